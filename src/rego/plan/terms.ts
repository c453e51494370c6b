// Terms to operands: scalars become constants or Make* statements, composites are built element by
// element, refs and calls are delegated. Planning is continuation-passing: `next` receives the operand
// holding the term's value and plans everything that follows inside the current block, so a term that
// iterates (a ref with an unbound variable) simply places the rest of the body inside its Scan.
import type { Term } from '../ast/types.js';
import { planCallTerm } from './calls.js';
import { planComprehension } from './comprehensions.js';
import { PlanError } from './errors.js';
import type { Operand } from './ir.js';
import { type OperandNext, type Planner, local } from './planner.js';
import { planRef } from './refs.js';

export function planTerm(p: Planner, t: Term, next: OperandNext): void {
  const v = t.value;
  switch (v.type) {
    case 'null': {
      const l = p.newLocal();
      p.emit({ type: 'MakeNull', target: l });
      return next(local(l));
    }
    case 'boolean':
      return next({ kind: 'bool', value: v.value });
    case 'number':
      return next(local(planNumber(p, v.raw)));
    case 'string':
      return next(p.strOp(v.value));
    case 'var':
      return next(local(planVar(p, v.name, t)));
    case 'ref':
      return planRef(p, v.terms, next);
    case 'array': {
      const arr = p.newLocal();
      p.emit({ type: 'MakeArray', capacity: v.items.length, target: arr });
      return planTerms(p, v.items, (items) => {
        for (const item of items) p.emit({ type: 'ArrayAppend', value: item, array: arr });
        next(local(arr));
      });
    }
    case 'set': {
      const set = p.newLocal();
      p.emit({ type: 'MakeSet', target: set });
      return planTerms(p, v.items, (items) => {
        for (const item of items) p.emit({ type: 'SetAdd', value: item, set });
        next(local(set));
      });
    }
    case 'object': {
      const obj = p.newLocal();
      p.emit({ type: 'MakeObject', target: obj });
      return planTerms(p, v.pairs.flat(), (ops) => {
        for (let i = 0; i < ops.length; i += 2) p.emit({ type: 'ObjectInsert', key: ops[i]!, value: ops[i + 1]!, object: obj });
        next(local(obj));
      });
    }
    case 'arraycomprehension':
    case 'setcomprehension':
    case 'objectcomprehension':
      return planComprehension(p, v, next);
    case 'call':
      return planCallTerm(p, v.operator, v.args, t.location, next);
  }
}

/** Plans terms left to right; `next` gets their operands. */
export function planTerms(p: Planner, terms: Term[], next: (ops: Operand[]) => void): void {
  // A term may plan alternatives (the continuation runs more than once): each gets its own array.
  const step = (i: number, ops: Operand[]): void => {
    if (i === terms.length) return next(ops);
    planTerm(p, terms[i]!, (op) => step(i + 1, [...ops, op]));
  };
  step(0, []);
}

export function planNumber(p: Planner, raw: string): number {
  const l = p.newLocal();
  if (/^-?\d+$/.test(raw) && Number.isSafeInteger(Number(raw)) && Math.abs(Number(raw)) < 2 ** 31) {
    p.emit({ type: 'MakeNumberInt', value: Number(raw), target: l });
  } else {
    p.emit({ type: 'MakeNumberRef', index: p.str(raw), target: l });
  }
  return l;
}

/** A bound variable's local. The checks order bodies so that a variable is bound before it is read. */
function planVar(p: Planner, name: string, at: Term): number {
  const l = p.lookupVar(name);
  if (l === undefined) throw new PlanError('rego_unsafe_var_error', `var ${name} is unsafe`, at.location);
  return l;
}
