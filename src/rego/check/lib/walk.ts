// Visits every expression and term of resolved rules, closures included: the shared traversal of the
// call and recursion checks.

import type { Body, Expr, Rule, Term } from '../../ast/types.js';

export interface Visitor {
  /** A call: an expression's operator or a call term's. `args` are the call's arguments. */
  call?(operator: Term[], args: Term[], at: Expr | Term): void;
  term?(t: Term): void;
  expr?(e: Expr): void;
}

export function walkRule(rule: Rule, v: Visitor): void {
  for (let r: Rule | undefined = rule; r !== undefined; r = r.else) {
    for (const t of r.head.ref.slice(1)) walkTerm(t, v);
    for (const t of r.head.args ?? []) walkTerm(t, v);
    if (r.head.key) walkTerm(r.head.key, v);
    if (r.head.value) walkTerm(r.head.value, v);
    walkBody(r.body, v);
  }
}

export function walkBody(body: Body, v: Visitor): void {
  for (const e of body) walkExpr(e, v);
}

export function walkExpr(e: Expr, v: Visitor): void {
  v.expr?.(e);
  const b = e.body;
  switch (b.type) {
    case 'term':
      walkTerm(b.term, v);
      break;
    case 'call':
      v.call?.(b.operator, b.args, e);
      for (const a of b.args) walkTerm(a, v);
      break;
    case 'some':
      for (const x of b.vars) walkTerm(x, v);
      break;
    case 'somein':
      for (const x of [b.key, b.value, b.collection]) if (x) walkTerm(x, v);
      break;
    case 'every':
      for (const x of [b.key, b.value, b.domain]) if (x) walkTerm(x, v);
      walkBody(b.body, v);
      break;
  }
  for (const w of e.with) {
    walkTerm(w.target, v);
    walkTerm(w.value, v);
  }
}

export function walkTerm(t: Term, v: Visitor): void {
  v.term?.(t);
  const x = t.value;
  switch (x.type) {
    case 'ref':
      for (const k of x.terms) walkTerm(k, v);
      return;
    case 'array':
    case 'set':
      for (const k of x.items) walkTerm(k, v);
      return;
    case 'object':
      for (const [k, y] of x.pairs) {
        walkTerm(k, v);
        walkTerm(y, v);
      }
      return;
    case 'call':
      v.call?.(x.operator, x.args, t);
      for (const a of x.args) walkTerm(a, v);
      return;
    case 'arraycomprehension':
    case 'setcomprehension':
      walkTerm(x.term, v);
      walkBody(x.body, v);
      return;
    case 'objectcomprehension':
      walkTerm(x.key, v);
      walkTerm(x.value, v);
      walkBody(x.body, v);
      return;
    default:
      return;
  }
}
