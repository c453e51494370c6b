// Resolves names and renames locals in one walk per rule (OPA's ResolveRefs + RewriteLocalVars):
// rule names of the package and import aliases become full `data…`/`input…` refs, function calls get
// `data.pkg.f` operators (builtins keep their names), and every local variable — `:=`-declared,
// `some`-declared, function arguments, free variables, wildcards — gets a name unique in its rule,
// `__localN__`, scoped as Rego scopes them (comprehension and `every` bodies see their enclosing body).

import type { Body, Diagnostic, Expr, ExprBody, Location, Module, Ref, Rule, RuleHead, Term, Value, With } from '../../ast/types.js';
import type { BuiltinCatalog } from '../../builtins/catalog.js';
import { isRootVar } from './vars.js';

/** Per rule chain: new local name → the name written in the source (for messages). */
export type OriginalNames = Map<string, string>;

class Scope {
  readonly declared = new Map<string, string>();
  readonly free = new Map<string, string>();
  /** Names used freely so far at this level (for "var x referenced above"). */
  readonly used = new Set<string>();
  /** Declared with `some` and not used yet (for "declared var x unused"). */
  readonly unusedDecl = new Map<string, Location>();
  constructor(
    readonly mentions: Set<string>,
    readonly parent?: Scope,
  ) {}
}

export interface ResolveContext {
  /** Bare names that refer to rules of the package or to imports, by name. */
  globals: Map<string, Ref>;
  builtins: BuiltinCatalog;
  diagnostics: Diagnostic[];
}

const WILDCARD = /^\$_/;

/** Renames one rule chain (a rule and its `else` branches) and resolves its global names. */
export class RuleResolver {
  private counter = 0;
  readonly original: OriginalNames = new Map();

  constructor(private readonly ctx: ResolveContext) {}

  private fresh(name: string): string {
    const n = `__local${this.counter++}__`;
    this.original.set(n, WILDCARD.test(name) ? '_' : name);
    return n;
  }

  private compileError(message: string, location: Location): void {
    this.ctx.diagnostics.push({ code: 'rego_compile_error', message, location });
  }

  resolveRule(rule: Rule, module: Module): Rule {
    const scope = new Scope(mentionsOfRule(rule));
    const head = this.resolveHead(rule.head, scope, () => {
      const body = this.resolveBodyIn(rule.body, scope);
      return body;
    });
    const out: Rule = { kind: rule.kind, default: rule.default, head: head.head, body: head.body, location: rule.location, module };
    this.reportUnused(scope);
    if (rule.else !== undefined) out.else = this.resolveRule(rule.else, module);
    return out;
  }

  private resolveHead(h: RuleHead, scope: Scope, resolveBody: () => Body): { head: RuleHead; body: Body } {
    const head: RuleHead = { ref: [], assign: h.assign, location: h.location };
    if (h.args !== undefined) head.args = h.args.map((a) => this.declarePattern(a, scope, 'arg'));
    const body = resolveBody();
    head.ref = [h.ref[0]!, ...h.ref.slice(1).map((t) => (t.value.type === 'string' ? t : this.term(t, scope)))];
    if (h.key !== undefined) head.key = this.term(h.key, scope);
    if (h.value !== undefined) head.value = this.term(h.value, scope);
    return { head, body };
  }

  private reportUnused(scope: Scope): void {
    for (const [name, loc] of scope.unusedDecl) this.compileError(`declared var ${name} unused`, loc);
  }

  // ---------------------------------------------------------------- bodies

  private resolveBodyIn(body: Body, scope: Scope): Body {
    const out: Body = [];
    for (const e of body) {
      const r = this.expr(e, scope);
      if (r !== undefined) out.push(r);
    }
    return out;
  }

  private childBody(body: Body, parent: Scope, extraMentions: Term[], declare?: (s: Scope) => void): { body: Body; scope: Scope } {
    const mentions = mentionsOfBody(body);
    for (const t of extraMentions) collectNames(t, mentions);
    const scope = new Scope(mentions, parent);
    declare?.(scope);
    const out = this.resolveBodyIn(body, scope);
    return { body: out, scope };
  }

  /** Returns undefined for `some x` declarations, which only scope names. */
  private expr(e: Expr, scope: Scope): Expr | undefined {
    const withs: With[] = e.with.map((w) => this.withModifier(w, scope));
    const b = e.body;
    let body: ExprBody;
    switch (b.type) {
      case 'some':
        for (const v of b.vars) this.declareSome(v, scope);
        return undefined;
      case 'somein': {
        const collection = this.term(b.collection, scope);
        const key = b.key !== undefined ? this.declarePattern(b.key, scope, 'some') : undefined;
        const value = this.declarePattern(b.value, scope, 'some');
        body = key !== undefined ? { type: 'somein', key, value, collection } : { type: 'somein', value, collection };
        break;
      }
      case 'every': {
        const domain = this.term(b.domain, scope);
        let key: Term | undefined;
        let value: Term | undefined;
        const child = this.childBody(b.body, scope, [], (s) => {
          if (b.key !== undefined) key = this.declarePattern(b.key, s, 'some');
          value = this.declarePattern(b.value, s, 'some');
        });
        this.reportUnused(child.scope);
        body = { type: 'every', value: value!, domain, body: child.body };
        if (key !== undefined) body.key = key;
        break;
      }
      case 'term':
        body = { type: 'term', term: this.term(b.term, scope) };
        break;
      case 'call': {
        const op = opName(b.operator);
        if (op === 'assign' && b.args.length === 2) {
          const rhs = this.term(b.args[1]!, scope);
          const lhs = this.declareAssigned(b.args[0]!, scope);
          body = { type: 'call', operator: b.operator, args: [lhs, rhs] };
        } else {
          body = { type: 'call', operator: this.operator(b.operator), args: b.args.map((a) => this.term(a, scope)) };
        }
        break;
      }
    }
    return { body, negated: e.negated, with: withs, location: e.location };
  }

  private withModifier(w: With, scope: Scope): With {
    const target = w.target.value.type === 'ref' ? { value: { type: 'ref' as const, terms: this.operator(w.target.value.terms) }, location: w.target.location } : w.target;
    return { target, value: this.withValue(w.value, scope), location: w.location };
  }

  /** A `with` value may name a builtin (`with count as sum`): keep such names as they are. */
  private withValue(t: Term, scope: Scope): Term {
    const ref = t.value.type === 'var' ? [t] : t.value.type === 'ref' ? t.value.terms : undefined;
    if (ref !== undefined && ref[0]!.value.type === 'var') {
      const name = ref[0]!.value.name;
      const text = opName(ref);
      if (text !== undefined && this.ctx.builtins.has(text) && !this.ctx.globals.has(name) && lookupDeclared(scope, name) === undefined) {
        return t;
      }
    }
    return this.term(t, scope);
  }

  // ---------------------------------------------------------------- declarations

  private declareSome(v: Term, scope: Scope): void {
    if (v.value.type !== 'var') return;
    const name = v.value.name;
    if (scope.declared.has(name)) this.compileError(`var ${name} declared above`, v.location);
    else if (scope.used.has(name)) this.compileError(`var ${name} referenced above`, v.location);
    scope.declared.set(name, this.fresh(name));
    scope.unusedDecl.set(name, v.location);
  }

  /** The left side of `:=`: a var or a pattern of vars and constants. */
  private declareAssigned(t: Term, scope: Scope): Term {
    const v = t.value;
    if (v.type === 'ref') {
      this.compileError('cannot assign to ref', t.location);
      return this.term(t, scope);
    }
    if (v.type === 'call') {
      this.compileError('cannot assign to call', t.location);
      return this.term(t, scope);
    }
    if (v.type.endsWith('comprehension')) {
      this.compileError(`cannot assign to ${v.type}`, t.location);
      return this.term(t, scope);
    }
    return this.declarePattern(t, scope, 'assign');
  }

  /** Declares every var in a pattern (`x`, `[a, _]`, `{"k": v}`) in `scope`. */
  private declarePattern(t: Term, scope: Scope, how: 'assign' | 'some' | 'arg'): Term {
    const v = t.value;
    switch (v.type) {
      case 'var': {
        const name = v.name;
        if (WILDCARD.test(name)) return { value: { type: 'var', name: this.fresh(name) }, location: t.location };
        if (how === 'assign') {
          if (scope.declared.has(name)) this.compileError(`var ${name} assigned above`, t.location);
          else if (scope.used.has(name)) this.compileError(`var ${name} referenced above`, t.location);
        } else if (how === 'some' && scope.declared.has(name) && scope.unusedDecl.has(name)) {
          // `some x; some x in xs` re-declares; OPA reports it as declared above
          this.compileError(`var ${name} declared above`, t.location);
        }
        if (how === 'arg' && scope.declared.has(name)) return { value: { type: 'var', name: scope.declared.get(name)! }, location: t.location };
        const fresh = this.fresh(name);
        scope.declared.set(name, fresh);
        return { value: { type: 'var', name: fresh }, location: t.location };
      }
      case 'array':
        return { value: { type: 'array', items: v.items.map((x) => this.declarePattern(x, scope, how)) }, location: t.location };
      case 'object':
        return { value: { type: 'object', pairs: v.pairs.map(([k, x]): [Term, Term] => [this.term(k, scope), this.declarePattern(x, scope, how)]) }, location: t.location };
      default:
        return this.term(t, scope);
    }
  }

  // ---------------------------------------------------------------- terms

  private lookup(name: string, scope: Scope): { local: string } | { global: Ref } {
    const declared = lookupDeclared(scope, name);
    if (declared !== undefined) {
      for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) {
        if (s.declared.has(name)) {
          s.unusedDecl.delete(name);
          break;
        }
      }
      return { local: declared };
    }
    const global = this.ctx.globals.get(name);
    if (global !== undefined) return { global };
    let owner = scope;
    for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) {
      if (s.free.has(name) || s.mentions.has(name)) owner = s;
    }
    let fresh = owner.free.get(name);
    if (fresh === undefined) {
      fresh = this.fresh(name);
      owner.free.set(name, fresh);
    }
    scope.used.add(name);
    return { local: fresh };
  }

  private term(t: Term, scope: Scope): Term {
    const v = t.value;
    const at = t.location;
    switch (v.type) {
      case 'var': {
        if (WILDCARD.test(v.name)) return { value: { type: 'var', name: this.fresh(v.name) }, location: at };
        if (isRootVar(v.name)) return { value: { type: 'ref', terms: [t] }, location: at };
        const r = this.lookup(v.name, scope);
        if ('global' in r) return { value: { type: 'ref', terms: relocate(r.global, at) }, location: at };
        return { value: { type: 'var', name: r.local }, location: at };
      }
      case 'ref':
        return { value: { type: 'ref', terms: this.refTerms(v.terms, scope) }, location: at };
      case 'array':
        return { value: { type: 'array', items: v.items.map((x) => this.term(x, scope)) }, location: at };
      case 'set':
        return { value: { type: 'set', items: v.items.map((x) => this.term(x, scope)) }, location: at };
      case 'object':
        return { value: { type: 'object', pairs: v.pairs.map(([k, x]): [Term, Term] => [this.term(k, scope), this.term(x, scope)]) }, location: at };
      case 'call':
        return { value: { type: 'call', operator: this.operator(v.operator), args: v.args.map((x) => this.term(x, scope)) }, location: at };
      case 'arraycomprehension':
      case 'setcomprehension': {
        const { body, scope: s } = this.childBody(v.body, scope, [v.term]);
        const term = this.term(v.term, s);
        this.reportUnused(s);
        return { value: { type: v.type, term, body }, location: at };
      }
      case 'objectcomprehension': {
        const { body, scope: s } = this.childBody(v.body, scope, [v.key, v.value]);
        const key = this.term(v.key, s);
        const value = this.term(v.value, s);
        this.reportUnused(s);
        return { value: { type: 'objectcomprehension', key, value, body }, location: at };
      }
      default:
        return t;
    }
  }

  private refTerms(terms: Ref, scope: Scope): Ref {
    const head = terms[0]!;
    const rest = terms.slice(1).map((k) => (k.value.type === 'string' ? k : this.term(k, scope)));
    if (head.value.type === 'var') {
      const name = head.value.name;
      if (isRootVar(name)) return [head, ...rest];
      if (WILDCARD.test(name)) return [{ value: { type: 'var', name: this.fresh(name) }, location: head.location }, ...rest];
      const r = this.lookup(name, scope);
      if ('global' in r) return [...relocate(r.global, head.location), ...rest];
      return [{ value: { type: 'var', name: r.local }, location: head.location }, ...rest];
    }
    return [this.term(head, scope), ...rest];
  }

  /** A call operator: globals (package functions, imports) become `data` refs; builtins stay as written. */
  private operator(op: Ref): Ref {
    const head = op[0]!;
    if (head.value.type !== 'var') return op;
    const global = this.ctx.globals.get(head.value.name);
    if (global === undefined) return op;
    return [...relocate(global, head.location), ...op.slice(1)];
  }
}

function lookupDeclared(scope: Scope, name: string): string | undefined {
  for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) {
    const d = s.declared.get(name);
    if (d !== undefined) return d;
  }
  return undefined;
}

function relocate(ref: Ref, at: Location): Ref {
  return ref.map((t) => ({ value: t.value, location: at }));
}

/** `a.b.c` for a ref of a var and strings, undefined otherwise. */
export function opName(ref: Ref): string | undefined {
  const head = ref[0]?.value;
  if (head?.type !== 'var') return undefined;
  const parts = [head.name];
  for (const t of ref.slice(1)) {
    if (t.value.type !== 'string') return undefined;
    parts.push(t.value.value);
  }
  return parts.join('.');
}

// ------------------------------------------------------------------ mentions (pre-scan)

/** Names used freely at the rule's top level: body (outside closures) and head. */
function mentionsOfRule(rule: Rule): Set<string> {
  const out = mentionsOfBody(rule.body);
  for (const t of rule.head.ref.slice(1)) collectNames(t, out);
  if (rule.head.key) collectNames(rule.head.key, out);
  if (rule.head.value) collectNames(rule.head.value, out);
  return out;
}

function mentionsOfBody(body: Body): Set<string> {
  const out = new Set<string>();
  for (const e of body) {
    const b = e.body;
    switch (b.type) {
      case 'term':
        collectNames(b.term, out);
        break;
      case 'call':
        if (opName(b.operator) === 'assign' && b.args.length === 2) collectNames(b.args[1]!, out);
        else for (const a of b.args) collectNames(a, out);
        break;
      case 'somein':
        collectNames(b.collection, out);
        break;
      case 'every':
        collectNames(b.domain, out);
        break;
      case 'some':
        break;
    }
    for (const w of e.with) collectNames(w.value, out);
  }
  return out;
}

/** Var names in `t` outside closures (wildcards and roots excluded). */
function collectNames(t: Term, out: Set<string>): void {
  const v: Value = t.value;
  switch (v.type) {
    case 'var':
      if (!WILDCARD.test(v.name) && !isRootVar(v.name)) out.add(v.name);
      return;
    case 'ref':
      for (const x of v.terms) collectNames(x, out);
      return;
    case 'array':
    case 'set':
      for (const x of v.items) collectNames(x, out);
      return;
    case 'object':
      for (const [k, x] of v.pairs) {
        collectNames(k, out);
        collectNames(x, out);
      }
      return;
    case 'call':
      for (const x of v.args) collectNames(x, out);
      return;
    default:
      return;
  }
}
