// Safety: every variable must be bound before it is used (OPA's reorderBodyForSafety). Expressions
// are reordered so that each comes after those that bind its inputs — keeping the written order
// wherever possible — and what cannot be placed is reported as `var x is unsafe`. Closures
// (comprehension and `every` bodies) are checked in turn with the variables bound where they stand.

import type { Body, Diagnostic, Expr, Location, Ref, Rule, Term } from '../../ast/types.js';
import type { OriginalNames } from './resolve.js';
import { opName } from './resolve.js';
import { closureVarsOfExpr, exprVars, refOutputs, termVars, withValueVars } from './vars.js';

/** Input arity of a call operator, or -1 when unknown (every argument is then an input). */
export type ArityOf = (operator: Ref) => number;

export interface SafetyContext {
  arity: ArityOf;
  names: OriginalNames;
  diagnostics: Diagnostic[];
}

/** Reorders the rule's body (and closures) in place and reports unsafe variables of body and head. */
export function checkRuleSafety(rule: Rule, ctx: SafetyContext): Rule {
  const globals = new Set<string>();
  for (const a of rule.head.args ?? []) for (const v of termVars(a).keys()) globals.add(v);
  const { body, safe } = reorderBody(rule.body, globals, ctx);
  const head = { ...rule.head };
  // a head term iterating a ref (`q := xs[_]`) is evaluated in the body, as OPA's compiler does
  const lift = (t: Term): Term => {
    const vars = [...termVars(t).keys()].filter((v) => !safe.has(v));
    if (vars.length === 0) return t;
    const outputs = new Set<string>();
    refOutputs(t, safe, outputs);
    if (!vars.every((v) => outputs.has(v))) return t;
    const name = `__local${ctx.names.size}__`;
    ctx.names.set(name, name);
    const local: Term = { value: { type: 'var', name }, location: t.location };
    body.push({ body: { type: 'call', operator: [{ value: { type: 'var', name: 'eq' }, location: t.location }], args: [local, t] }, negated: false, with: [], location: t.location });
    checkTermClosures(t, safe, ctx);
    safe.add(name);
    return local;
  };
  if (head.key) head.key = lift(head.key);
  if (head.value) head.value = lift(head.value);
  const headTerms: Term[] = [...head.ref.slice(1)];
  if (head.key) headTerms.push(head.key);
  if (head.value) headTerms.push(head.value);
  for (const t of headTerms) {
    for (const [v, loc] of termVars(t)) if (!safe.has(v)) unsafe(ctx, v, loc);
    checkTermClosures(t, safe, ctx);
  }
  return { ...rule, head, body };
}

function unsafe(ctx: SafetyContext, v: string, location: Location): void {
  ctx.diagnostics.push({ code: 'rego_unsafe_var_error', message: `var ${ctx.names.get(v) ?? v} is unsafe`, location });
}

/** Returns the reordered body and the variables safe after it. */
export function reorderBody(body: Body, globals: ReadonlySet<string>, ctx: SafetyContext): { body: Body; safe: Set<string> } {
  const bodyVars = new Set<string>();
  const pending = new Map<Expr, Map<string, Location>>();
  for (const e of body) {
    const vars = exprVars(e);
    for (const v of vars.keys()) bodyVars.add(v);
    const own = new Map<string, Location>();
    for (const [v, loc] of vars) if (!globals.has(v)) own.set(v, loc);
    pending.set(e, own);
  }
  const safe = new Set(globals);
  const placed: Expr[] = [];
  const safeBefore = new Map<Expr, Set<string>>();
  const done = new Set<Expr>();
  for (;;) {
    const n = placed.length;
    for (const e of body) {
      if (done.has(e)) continue;
      const outputs = exprOutputs(e, safe, ctx.arity);
      const closure = new Set<string>();
      closureVarsOfExpr(e, closure);
      const waiting = new Set<string>();
      for (const v of closure) if (bodyVars.has(v) && !globals.has(v) && !safe.has(v)) waiting.add(v);
      const vars = pending.get(e)!;
      if (waiting.size > 0) {
        if (sameSet(waiting, outputs)) continue;
        for (const v of waiting) if (!vars.has(v)) vars.set(v, e.location);
      }
      for (const v of [...vars.keys()]) if (outputs.has(v) || safe.has(v)) vars.delete(v);
      if (vars.size === 0 && waiting.size === 0) {
        done.add(e);
        placed.push(e);
        safeBefore.set(e, new Set(safe));
        for (const v of outputs) safe.add(v);
      }
    }
    if (placed.length === n) break;
  }
  const reported = new Set<string>();
  for (const e of body) {
    if (done.has(e)) continue;
    const vars = pending.get(e)!;
    if (vars.size === 0) {
      // closure waiting on itself
      const closure = new Set<string>();
      closureVarsOfExpr(e, closure);
      for (const v of closure) if (bodyVars.has(v) && !safe.has(v)) vars.set(v, e.location);
    }
    // report the inputs that nothing binds, not the outputs waiting on them (`y := x`: x, not y)
    const names = [...vars.keys()];
    const inputs = names.filter((v) => !exprOutputs(e, new Set([...safe, ...names.filter((w) => w !== v)]), ctx.arity).has(v));
    for (const v of inputs.length > 0 ? inputs : names) {
      unsafe(ctx, v, vars.get(v)!);
      reported.add(v);
    }
    for (const v of names) reported.add(v);
  }
  // closures, with what is bound where their expression stands
  for (const e of placed) checkExprClosures(e, safeBefore.get(e)!, ctx);
  for (const v of reported) safe.add(v); // reported once: not again where the head uses them
  return { body: [...placed, ...body.filter((e) => !done.has(e))], safe };
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

// ------------------------------------------------------------------ outputs of one expression

function exprOutputs(e: Expr, safe: ReadonlySet<string>, arity: ArityOf): Set<string> {
  const none = new Set<string>();
  if (e.negated) return none;
  for (const w of e.with) for (const v of withValueVars(w.value).keys()) if (!safe.has(v)) return none;
  const b = e.body;
  const out = new Set<string>();
  switch (b.type) {
    case 'term':
      refOutputs(b.term, safe, out);
      return out;
    case 'some':
      return out;
    case 'somein': {
      refOutputs(b.collection, safe, out);
      for (const v of termVars(b.collection, new Map(), true).keys()) if (!safe.has(v) && !out.has(v)) return none;
      if (b.key) for (const v of termVars(b.key).keys()) out.add(v);
      for (const v of termVars(b.value).keys()) out.add(v);
      return out;
    }
    case 'every':
      refOutputs(b.domain, safe, out);
      return out;
    case 'call': {
      for (const a of b.args) refOutputs(a, safe, out);
      const name = opName(b.operator);
      if ((name === 'eq' || name === 'assign') && b.args.length === 2) {
        const s = new Set([...safe, ...out]);
        const lhs = termVars(b.args[0]!);
        // `:=` binds its left side only
        for (const v of unify(s, b.args[0]!, b.args[1]!)) if (name === 'eq' || lhs.has(v)) out.add(v);
        return out;
      }
      const n = arity(b.operator);
      if (n < 0 || n >= b.args.length) return out;
      for (const a of b.args.slice(0, n)) for (const v of termVars(a).keys()) if (!safe.has(v) && !out.has(v)) return none;
      for (const a of b.args.slice(n)) for (const v of termVars(a).keys()) out.add(v);
      return out;
    }
  }
}

/** Vars that unifying `a` with `b` binds, given `safe` (OPA's ast.Unify). */
export function unify(safe: ReadonlySet<string>, a: Term, b: Term): Set<string> {
  const unified = new Set<string>();
  const unknown = new Map<string, Set<string>>();
  const isSafe = (v: string): boolean => safe.has(v) || unified.has(v);
  const markSafe = (v: string): void => {
    if (unified.has(v)) return;
    unified.add(v);
    const deps = unknown.get(v);
    unknown.delete(v);
    if (deps) for (const d of deps) markSafe(d);
  };
  const markUnknown = (a: string, b: string): void => {
    let s = unknown.get(a);
    if (s === undefined) unknown.set(a, (s = new Set()));
    s.add(b);
  };
  const termSafe = (t: Term): boolean => {
    for (const v of termVars(t).keys()) if (!isSafe(v)) return false;
    return true;
  };
  const markAllSafe = (t: Term): void => {
    for (const v of termVars(t).keys()) markSafe(v);
  };
  const refHeadSafe = (ref: Ref): boolean => {
    const h = ref[0]!;
    if (h.value.type === 'var') return h.value.name === 'data' || h.value.name === 'input' || isSafe(h.value.name);
    return termSafe(h);
  };
  const unifyAll = (v: string, t: Term): void => {
    if (isSafe(v)) markAllSafe(t);
    else if (termSafe(t)) markSafe(v);
    else for (const x of termVars(t).keys()) if (!isSafe(x)) markUnknown(x, v);
  };
  const go = (a: Term, b: Term): void => {
    const va = a.value;
    const vb = b.value;
    switch (va.type) {
      case 'var':
        switch (vb.type) {
          case 'var':
            if (isSafe(vb.name)) markSafe(va.name);
            else if (isSafe(va.name)) markSafe(vb.name);
            else {
              markUnknown(va.name, vb.name);
              markUnknown(vb.name, va.name);
            }
            return;
          case 'array':
          case 'object':
            return unifyAll(va.name, b);
          case 'ref':
            if (refHeadSafe(vb.terms) && termSafeRefKeys(vb.terms)) markSafe(va.name);
            return;
          case 'call':
          case 'set':
            if (termSafe(b)) markSafe(va.name);
            return;
          default:
            markSafe(va.name);
            return;
        }
      case 'ref':
        if (refHeadSafe(va.terms) && termSafeRefKeys(va.terms)) {
          if (vb.type === 'var') markSafe(vb.name);
          else if (vb.type === 'array' || vb.type === 'object') markAllSafe(b);
        }
        return;
      case 'call':
      case 'set':
        if (termSafe(a)) {
          if (vb.type === 'var') markSafe(vb.name);
          else if (vb.type === 'array' || vb.type === 'object') markAllSafe(b);
        }
        return;
      case 'arraycomprehension':
      case 'setcomprehension':
      case 'objectcomprehension':
        if (vb.type === 'var') markSafe(vb.name);
        else if (vb.type === 'array' || vb.type === 'object') markAllSafe(b);
        return;
      case 'array':
        switch (vb.type) {
          case 'var':
            return unifyAll(vb.name, a);
          case 'arraycomprehension':
          case 'setcomprehension':
          case 'objectcomprehension':
            return markAllSafe(a);
          case 'ref':
            if (refHeadSafe(vb.terms) && termSafeRefKeys(vb.terms)) markAllSafe(a);
            return;
          case 'call':
            if (termSafe(b)) markAllSafe(a);
            return;
          case 'array':
            if (va.items.length === vb.items.length) va.items.forEach((x, i) => go(x, vb.items[i]!));
            return;
          default:
            return;
        }
      case 'object':
        switch (vb.type) {
          case 'var':
            return unifyAll(vb.name, a);
          case 'ref':
            if (refHeadSafe(vb.terms) && termSafeRefKeys(vb.terms)) markAllSafe(a);
            return;
          case 'call':
            if (termSafe(b)) markAllSafe(a);
            return;
          case 'arraycomprehension':
          case 'setcomprehension':
          case 'objectcomprehension':
            return markAllSafe(a);
          case 'object': {
            if (va.pairs.length !== vb.pairs.length) return;
            for (const [k, x] of va.pairs) {
              const other = vb.pairs.find(([k2]) => sameTerm(k, k2));
              if (other) go(x, other[1]);
            }
            return;
          }
          default:
            return;
        }
      default:
        if (vb.type === 'var') markSafe(vb.name);
        return;
    }
  };
  // keys of refs were made outputs before unification; what remains unsafe in them blocks the ref
  const termSafeRefKeys = (ref: Ref): boolean => {
    for (const k of ref.slice(1)) if (!termSafe(k)) return false;
    return true;
  };
  go(a, b);
  return unified;
}

/** Structural equality of two terms (locations ignored). */
export function sameTerm(a: Term, b: Term): boolean {
  return JSON.stringify(a.value, dropLocations) === JSON.stringify(b.value, dropLocations);
}

function dropLocations(key: string, value: unknown): unknown {
  return key === 'location' ? undefined : value;
}

// ------------------------------------------------------------------ closures

function checkExprClosures(e: Expr, safe: ReadonlySet<string>, ctx: SafetyContext): void {
  const b = e.body;
  switch (b.type) {
    case 'term':
      checkTermClosures(b.term, safe, ctx);
      break;
    case 'call':
      for (const a of b.args) checkTermClosures(a, safe, ctx);
      break;
    case 'somein':
      checkTermClosures(b.collection, safe, ctx);
      break;
    case 'every': {
      checkTermClosures(b.domain, safe, ctx);
      const inner = new Set(safe);
      if (b.key) for (const v of termVars(b.key).keys()) inner.add(v);
      for (const v of termVars(b.value).keys()) inner.add(v);
      b.body = reorderBody(b.body, inner, ctx).body;
      break;
    }
    case 'some':
      break;
  }
  for (const w of e.with) checkTermClosures(w.value, safe, ctx);
}

/** Checks (and reorders in place) the comprehension bodies inside `t`. */
function checkTermClosures(t: Term, safe: ReadonlySet<string>, ctx: SafetyContext): void {
  const v = t.value;
  switch (v.type) {
    case 'ref':
      for (const x of v.terms) checkTermClosures(x, safe, ctx);
      return;
    case 'array':
    case 'set':
      for (const x of v.items) checkTermClosures(x, safe, ctx);
      return;
    case 'object':
      for (const [k, x] of v.pairs) {
        checkTermClosures(k, safe, ctx);
        checkTermClosures(x, safe, ctx);
      }
      return;
    case 'call':
      for (const x of v.args) checkTermClosures(x, safe, ctx);
      return;
    case 'arraycomprehension':
    case 'setcomprehension':
    case 'objectcomprehension': {
      const r = reorderBody(v.body, safe, ctx);
      v.body = r.body;
      const heads = v.type === 'objectcomprehension' ? [v.key, v.value] : [v.term];
      for (const h of heads) {
        for (const [name, loc] of termVars(h)) if (!r.safe.has(name)) unsafe(ctx, name, loc);
        checkTermClosures(h, r.safe, ctx);
      }
      return;
    }
    default:
      return;
  }
}

