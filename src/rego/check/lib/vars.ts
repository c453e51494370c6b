// Variable collection over terms and expressions, the way OPA's VarVisitor with the safety-check
// parameters sees them: call operators are not variables, closures (comprehension and `every`
// bodies) are looked at separately.

import type { Expr, Location, Ref, Term } from '../../ast/types.js';

/** Var name → location of its first occurrence. */
export type VarLocations = Map<string, Location>;

const ROOTS = new Set(['data', 'input']);

export function isRootVar(name: string): boolean {
  return ROOTS.has(name);
}

function add(out: VarLocations, t: Term, name: string): void {
  if (!ROOTS.has(name) && !out.has(name)) out.set(name, t.location);
}

/** Vars of `t` outside closures and call operators (and ref heads, with `skipRefHead`). */
export function termVars(t: Term, out: VarLocations = new Map(), skipRefHead = false): VarLocations {
  const v = t.value;
  switch (v.type) {
    case 'var':
      add(out, t, v.name);
      break;
    case 'ref':
      v.terms.forEach((x, i) => {
        if (i > 0 || !skipRefHead || x.value.type !== 'var') termVars(x, out, skipRefHead);
      });
      break;
    case 'array':
    case 'set':
      for (const x of v.items) termVars(x, out, skipRefHead);
      break;
    case 'object':
      for (const [k, x] of v.pairs) {
        termVars(k, out, skipRefHead);
        termVars(x, out, skipRefHead);
      }
      break;
    case 'call':
      for (const x of v.args) termVars(x, out, skipRefHead);
      break;
    default:
      break;
  }
  return out;
}

/** Vars of an expression outside closures (with targets excluded: they name documents or functions). */
export function exprVars(e: Expr, out: VarLocations = new Map()): VarLocations {
  const b = e.body;
  switch (b.type) {
    case 'term':
      termVars(b.term, out);
      break;
    case 'call':
      for (const a of b.args) termVars(a, out);
      break;
    case 'some':
      break;
    case 'somein':
      if (b.key) termVars(b.key, out);
      termVars(b.value, out);
      termVars(b.collection, out);
      break;
    case 'every':
      termVars(b.domain, out);
      break;
  }
  for (const w of e.with) withValueVars(w.value, out);
  return out;
}

/** Vars of a `with` value; a value naming a builtin (`with count as sum`) is not a variable. */
export function withValueVars(t: Term, out: VarLocations = new Map()): VarLocations {
  const head = t.value.type === 'ref' ? t.value.terms[0]!.value : t.value;
  if (head.type === 'var' && !LOCAL.test(head.name)) return out;
  return termVars(t, out);
}

const LOCAL = /^__local\d+__$/;

/** Every var occurring anywhere inside the closures of `t` (deep), call operators excluded. */
export function closureVarsOfTerm(t: Term, out: Set<string>, inClosure = false): void {
  const v = t.value;
  switch (v.type) {
    case 'var':
      if (inClosure && !ROOTS.has(v.name)) out.add(v.name);
      break;
    case 'ref':
      for (const x of v.terms) closureVarsOfTerm(x, out, inClosure);
      break;
    case 'array':
    case 'set':
      for (const x of v.items) closureVarsOfTerm(x, out, inClosure);
      break;
    case 'object':
      for (const [k, x] of v.pairs) {
        closureVarsOfTerm(k, out, inClosure);
        closureVarsOfTerm(x, out, inClosure);
      }
      break;
    case 'call':
      for (const x of v.args) closureVarsOfTerm(x, out, inClosure);
      break;
    case 'arraycomprehension':
    case 'setcomprehension':
      closureVarsOfTerm(v.term, out, true);
      for (const e of v.body) closureVarsOfExpr(e, out, true);
      break;
    case 'objectcomprehension':
      closureVarsOfTerm(v.key, out, true);
      closureVarsOfTerm(v.value, out, true);
      for (const e of v.body) closureVarsOfExpr(e, out, true);
      break;
    default:
      break;
  }
}

export function closureVarsOfExpr(e: Expr, out: Set<string>, inClosure = false): void {
  const b = e.body;
  switch (b.type) {
    case 'term':
      closureVarsOfTerm(b.term, out, inClosure);
      break;
    case 'call':
      for (const a of b.args) closureVarsOfTerm(a, out, inClosure);
      break;
    case 'some':
      if (inClosure) for (const x of b.vars) closureVarsOfTerm(x, out, true);
      break;
    case 'somein':
      for (const x of [b.key, b.value, b.collection]) if (x) closureVarsOfTerm(x, out, inClosure);
      break;
    case 'every':
      closureVarsOfTerm(b.domain, out, inClosure);
      if (b.key) closureVarsOfTerm(b.key, out, true);
      closureVarsOfTerm(b.value, out, true);
      for (const x of b.body) closureVarsOfExpr(x, out, true);
      break;
  }
  for (const w of e.with) closureVarsOfTerm(w.value, out, inClosure);
}

/** Vars bound by iterating the refs in `t` whose heads are safe (OPA's `outputVarsForTerms`). */
export function refOutputs(t: Term, safe: ReadonlySet<string>, out: Set<string>): void {
  const v = t.value;
  switch (v.type) {
    case 'ref': {
      if (!isRefHeadSafe(v.terms, safe)) return;
      for (const k of v.terms.slice(1)) {
        for (const name of termVars(k, new Map(), true).keys()) out.add(name);
        refOutputs(k, safe, out);
      }
      refOutputs(v.terms[0]!, safe, out);
      return;
    }
    case 'array':
    case 'set':
      for (const x of v.items) refOutputs(x, safe, out);
      return;
    case 'object':
      for (const [k, x] of v.pairs) {
        refOutputs(k, safe, out);
        refOutputs(x, safe, out);
      }
      return;
    case 'call':
      for (const x of v.args) refOutputs(x, safe, out);
      return;
    default:
      return;
  }
}

function isRefHeadSafe(ref: Ref, safe: ReadonlySet<string>): boolean {
  const head = ref[0]!;
  if (head.value.type === 'var') return isRootVar(head.value.name) || safe.has(head.value.name);
  for (const name of termVars(head).keys()) if (!safe.has(name)) return false;
  return true;
}

export function allSafe(t: Term, safe: ReadonlySet<string>): boolean {
  for (const name of termVars(t).keys()) if (!safe.has(name)) return false;
  return true;
}
