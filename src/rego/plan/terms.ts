// Terms to operands: scalars become constants or Make* statements, composites are built element by
// element, refs and calls are delegated. Planning is continuation-passing: `next` receives the operand
// holding the term's value and plans everything that follows inside the current block, so a term that
// iterates (a ref with an unbound variable) simply places the rest of the body inside its Scan.
import type { Term, Value } from '../ast/types.js';
import { planCallTerm } from './calls.js';
import { planComprehension } from './comprehensions.js';
import { PlanError } from './errors.js';
import { isConstant, isStraight } from './lib/vars.js';
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
    case 'array':
    case 'set':
    case 'object':
      if (isConstant(t)) return next(planConstant(p, t));
      return planComposite(p, v, next);
    case 'arraycomprehension':
    case 'setcomprehension':
    case 'objectcomprehension':
      return planComprehension(p, v, next);
    case 'call':
      return planCallTerm(p, v.operator, v.args, t.location, next);
  }
}

function planComposite(p: Planner, v: Extract<Value, { type: 'array' | 'set' | 'object' }>, next: OperandNext): void {
  switch (v.type) {
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
  }
}

/**
 * A constant literal, built statement by statement. The locals of its elements are dead once they are
 * added, so they are handed out again for the next element: a literal of any size needs few locals.
 */
function planConstant(p: Planner, t: Term): Operand {
  const v = t.value;
  if (v.type !== 'array' && v.type !== 'set' && v.type !== 'object') return planOnce(p, t);
  const target = p.newLocal();
  const mark = p.frame.nextLocal;
  switch (v.type) {
    case 'array':
      p.emit({ type: 'MakeArray', capacity: v.items.length, target });
      for (const item of v.items) {
        p.emit({ type: 'ArrayAppend', value: planConstant(p, item), array: target });
        p.frame.nextLocal = mark;
      }
      break;
    case 'set':
      p.emit({ type: 'MakeSet', target });
      for (const item of v.items) {
        p.emit({ type: 'SetAdd', value: planConstant(p, item), set: target });
        p.frame.nextLocal = mark;
      }
      break;
    case 'object':
      p.emit({ type: 'MakeObject', target });
      for (const [k, x] of v.pairs) {
        const key = planConstant(p, k);
        p.emit({ type: 'ObjectInsert', key, value: planConstant(p, x), object: target });
        p.frame.nextLocal = mark;
      }
      break;
  }
  return local(target);
}

/**
 * Plans terms left to right; `next` gets their operands in the terms' order. A term that reads a
 * variable only another term binds (`x == xs[x]`: the ref binds `x`) is planned after the others, as
 * OPA's compiler first lifts such refs out of a call's arguments (rewriteDynamicTerms).
 */
export function planTerms(p: Planner, terms: Term[], next: (ops: Operand[]) => void): void {
  const late = terms.map((t) => readsUnbound(p, t));
  if (!late.some(Boolean) || late.every(Boolean)) return planTermsInOrder(p, terms, next);
  const order = [...terms.keys()].sort((a, b) => Number(late[a]) - Number(late[b]) || a - b);
  planTermsInOrder(
    p,
    order.map((i) => terms[i]!),
    (ops) => {
      const out: Operand[] = new Array<Operand>(terms.length);
      order.forEach((i, j) => (out[i] = ops[j]!));
      next(out);
    },
  );
}

/** A var, or a composite of them, naming a variable not bound yet (refs bind theirs: not counted). */
function readsUnbound(p: Planner, t: Term): boolean {
  const v = t.value;
  switch (v.type) {
    case 'var':
      return p.lookupVar(v.name) === undefined;
    case 'array':
    case 'set':
      return v.items.some((x) => readsUnbound(p, x));
    case 'object':
      return v.pairs.some(([k, x]) => readsUnbound(p, k) || readsUnbound(p, x));
    default:
      return false;
  }
}

function planTermsInOrder(p: Planner, terms: Term[], next: (ops: Operand[]) => void): void {
  // Terms that produce one value are planned in a loop (large literals must not nest continuations);
  // a term that may plan alternatives continues with a copy of the operands so far for each of them.
  const step = (i: number, before: Operand[]): void => {
    const ops = [...before];
    let j = i;
    for (; j < terms.length && isStraight(terms[j]!); j++) ops.push(planOnce(p, terms[j]!));
    if (j === terms.length) return next(ops);
    planTerm(p, terms[j]!, (op) => step(j + 1, [...ops, op]));
  };
  step(0, []);
}

function planOnce(p: Planner, t: Term): Operand {
  let out: Operand | undefined;
  planTerm(p, t, (op) => {
    out = op;
  });
  if (out === undefined) throw new PlanError('rego_compile_error', 'a term expected to have one value has none', t.location);
  return out;
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
