// Rule bodies and their expressions: conjunction (an expression that may hold several times plans the
// rest of the body as its continuation), negation, `some … in`, `every`, bare terms and calls.
import type { Body, Expr, ExprBody } from '../ast/types.js';
import { isRelation } from './builtins.js';
import { operatorText, planCallExpr } from './calls.js';
import { PlanError } from './errors.js';
import type { Block } from './ir.js';
import { isConstant, isStraight } from './lib/vars.js';
import { type Next, type Planner, local } from './planner.js';
import { planScan } from './refs.js';
import { planTerm } from './terms.js';
import { unifyLocal } from './unify.js';
import { planWith } from './with.js';

/**
 * Plans a body; `next` plans what follows a solution. An expression that holds at most once and stays
 * in the current block (most of them) is planned in a loop rather than by nesting continuations, so
 * long bodies do not nest the planner's calls.
 */
export function planBody(p: Planner, body: Body, next: Next): void {
  const step = (from: number): void => {
    for (let i = from; i < body.length; i++) {
      const e = body[i]!;
      if (!isStraightExpr(p, e)) return planExpr(p, e, () => step(i + 1));
      const start = p.frame.curr;
      let solutions = 0;
      planExpr(p, e, () => {
        solutions++;
        if (p.frame.curr !== start || solutions > 1) throw new PlanError('rego_compile_error', 'planner: expression planned out of line', e.location);
      });
      if (solutions === 0) return; // the expression can never hold: the rest is unreachable
    }
    next();
  };
  step(0);
}

/** Whether an expression plans at most one solution, in the block it starts in. */
function isStraightExpr(p: Planner, e: Expr): boolean {
  if (e.negated) return true;
  if (e.with.length > 0) return false;
  const b = e.body;
  switch (b.type) {
    case 'term':
      return isStraight(b.term);
    case 'some':
      return true;
    case 'somein':
      return false;
    case 'every':
      return isStraight(b.domain);
    case 'call': {
      const text = operatorText(b.operator);
      if (text === undefined || isRelation(text) || p.lookupMock(text) !== undefined) return false;
      return b.args.every(isStraight);
    }
  }
}

export function planExpr(p: Planner, e: Expr, next: Next): void {
  if (e.negated) return planNot(p, e, next);
  if (e.with.length > 0) return planWith(p, e, next);
  planExprBody(p, e.body, e, next);
}

/**
 * `not e`: the Not block holds `e` alone and nothing it binds is visible after it. `e` may plan
 * alternatives one after another (virtual and base documents, `with`), so whether it held is a flag
 * set by its continuation, not the completion of its statements.
 */
function planNot(p: Planner, e: Expr, next: Next): void {
  const positive: Expr = { ...e, negated: false };
  const held = p.newLocal();
  const block = p.inBlock({ stmts: [] }, () => {
    p.emit({ type: 'ResetLocal', target: held });
    const attempt = p.inBlock({ stmts: [] }, () =>
      p.scoped(() => planExpr(p, positive, () => p.emit({ type: 'AssignVar', source: { kind: 'bool', value: true }, target: held }))),
    );
    p.emit({ type: 'Block', blocks: [attempt] });
    p.emit({ type: 'IsDefined', source: held });
  });
  p.emit({ type: 'Not', block });
  next();
}

export function planExprBody(p: Planner, body: ExprBody, e: Expr, next: Next): void {
  switch (body.type) {
    case 'term': {
      const t = body.term;
      if (t.value.type === 'boolean' && !t.value.value) return p.emit({ type: 'Break', index: 0 });
      if (isConstant(t)) return next();
      return planTerm(p, t, (op) => {
        p.emit({ type: 'NotEqual', a: op, b: { kind: 'bool', value: false } });
        next();
      });
    }
    case 'call':
      return planCallExpr(p, body.operator, body.args, e.location, next);
    case 'some':
      return next();
    case 'somein':
      return planTerm(p, body.collection, (coll) =>
        planScan(p, coll, (key, value) => {
          const bindValue = (): void => unifyLocal(p, local(value), body.value, next);
          if (body.key === undefined) return bindValue();
          unifyLocal(p, local(key), body.key, bindValue);
        }),
      );
    case 'every':
      return planEvery(p, body, next);
  }
}

/**
 * `every k, v in xs { body }` holds when xs is a collection and no element fails the body:
 * cond0 is set when some element fails (its cond1 stayed unset), and must stay unset.
 */
function planEvery(p: Planner, every: Extract<ExprBody, { type: 'every' }>, next: Next): void {
  const cond0 = p.newLocal();
  const cond1 = p.newLocal();
  p.emit({ type: 'ResetLocal', target: cond0 });
  planTerm(p, every.domain, (domain) => {
    // Not a collection: the whole `every` is undefined (leave the check block and the body's block).
    const check: Block[] = [
      { stmts: [{ type: 'IsArray', source: domain }, { type: 'Break', index: 1 }] },
      { stmts: [{ type: 'IsObject', source: domain }, { type: 'Break', index: 1 }] },
      { stmts: [{ type: 'IsSet', source: domain }, { type: 'Break', index: 1 }] },
    ];
    p.emit({ type: 'Block', blocks: [{ stmts: [{ type: 'Block', blocks: check }, { type: 'Break', index: 1 }] }] });
    planScan(p, domain, (key, value) => {
      p.emit({ type: 'ResetLocal', target: cond1 });
      const nested = p.inBlock({ stmts: [] }, () =>
        p.scoped(() => {
          const bodyThenMark = (): void =>
            planBody(p, every.body, () => p.emit({ type: 'AssignVar', source: { kind: 'bool', value: true }, target: cond1 }));
          const bindValue = (): void => unifyLocal(p, local(value), every.value, bodyThenMark);
          if (every.key === undefined) return bindValue();
          unifyLocal(p, local(key), every.key, bindValue);
        }),
      );
      p.emit({ type: 'Block', blocks: [nested] });
      p.emit({ type: 'IsUndefined', source: cond1 });
      p.emit({ type: 'AssignVar', source: { kind: 'bool', value: true }, target: cond0 });
    });
    p.emit({ type: 'IsUndefined', source: cond0 });
    next();
  });
}
