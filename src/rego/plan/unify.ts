// Unification (`=`, `:=`, argument matching, keys of iterated refs): binds unbound variables, compares
// the rest, and destructures arrays and objects whose elements hold unbound variables.
import type { Term } from '../ast/types.js';
import { unsupported } from './errors.js';
import type { Operand } from './ir.js';
import { constantKey, isConstant } from './lib/vars.js';
import { type Next, type Planner, local } from './planner.js';
import { hasUnboundVars } from './refs.js';
import { planTerm } from './terms.js';

/** Unifies two terms; `next` plans what follows when they unify. */
export function unify(p: Planner, a: Term, b: Term, next: Next): void {
  const va = a.value;
  const vb = b.value;
  if (va.type === 'var') return unifyVar(p, va.name, b, next);
  if (vb.type === 'var') return unifyVar(p, vb.name, a, next);
  if (va.type === 'array' && vb.type === 'array') {
    if (va.items.length !== vb.items.length) return fail(p);
    return unifyPairs(p, va.items.map((x, i) => [x, vb.items[i]!]), next);
  }
  if (va.type === 'object' && vb.type === 'object' && (isPattern(p, a) || isPattern(p, b))) {
    if (va.pairs.length !== vb.pairs.length) return fail(p);
    if (![...va.pairs, ...vb.pairs].every(([k]) => isConstant(k))) {
      if (isPattern(p, a) && isPattern(p, b)) throw unsupported('unifying two object patterns with computed keys', a.location);
      return isPattern(p, a) ? planTerm(p, b, (op) => unifyLocal(p, op, a, next)) : planTerm(p, a, (op) => unifyLocal(p, op, b, next));
    }
    const bByKey = new Map(vb.pairs.map(([k, v]) => [constantKey(k), v]));
    const pairs: [Term, Term][] = [];
    for (const [k, v] of va.pairs) {
      const other = bByKey.get(constantKey(k));
      if (other === undefined) return fail(p);
      pairs.push([v, other]);
    }
    return unifyPairs(p, pairs, next);
  }
  if (isPattern(p, a)) return planTerm(p, b, (op) => unifyLocal(p, op, a, next));
  planTerm(p, a, (op) => unifyLocal(p, op, b, next));
}

function unifyPairs(p: Planner, pairs: [Term, Term][], next: Next): void {
  const step = (i: number): void => {
    if (i === pairs.length) return next();
    const [a, b] = pairs[i]!;
    unify(p, a, b, () => step(i + 1));
  };
  step(0);
}

function unifyVar(p: Planner, name: string, other: Term, next: Next): void {
  const bound = p.lookupVar(name);
  if (bound !== undefined) return unifyLocal(p, local(bound), other, next);
  planTerm(p, other, (op) => {
    // `x = input.a[x]`: planning the other side may have bound the variable.
    const now = p.lookupVar(name);
    if (now !== undefined) {
      p.emit({ type: 'Equal', a: local(now), b: op });
    } else {
      const target = p.newLocal();
      p.emit({ type: 'AssignVar', source: op, target });
      p.bindVar(name, target);
    }
    next();
  });
}

/** Unifies a value already held in an operand with a term. */
export function unifyLocal(p: Planner, a: Operand, b: Term, next: Next): void {
  const vb = b.value;
  if (a.kind === 'string' && vb.type === 'string') return p.strings[a.index] === vb.value ? next() : fail(p);
  if (a.kind === 'bool' && vb.type === 'boolean') return a.value === vb.value ? next() : fail(p);
  if (vb.type === 'var') {
    const bound = p.lookupVar(vb.name);
    if (bound !== undefined) {
      p.emit({ type: 'Equal', a, b: local(bound) });
    } else {
      const target = p.newLocal();
      p.emit({ type: 'AssignVar', source: a, target });
      p.bindVar(vb.name, target);
    }
    return next();
  }
  if (vb.type === 'array' && isPattern(p, b)) {
    p.emit({ type: 'IsArray', source: a });
    emitLengthCheck(p, a, vb.items.length);
    const step = (i: number): void => {
      if (i === vb.items.length) return next();
      const index = p.newLocal();
      p.emit({ type: 'MakeNumberInt', value: i, target: index });
      const elem = p.newLocal();
      p.emit({ type: 'Dot', source: a, key: local(index), target: elem });
      unifyLocal(p, local(elem), vb.items[i]!, () => step(i + 1));
    };
    return step(0);
  }
  if (vb.type === 'object' && isPattern(p, b)) {
    p.emit({ type: 'IsObject', source: a });
    emitLengthCheck(p, a, vb.pairs.length);
    if (vb.pairs.some(([k]) => hasUnboundVars(p, k))) throw unsupported('an object pattern whose keys bind variables', b.location);
    const step = (i: number): void => {
      if (i === vb.pairs.length) return next();
      const [k, v] = vb.pairs[i]!;
      planTerm(p, k, (key) => {
        const elem = p.newLocal();
        p.emit({ type: 'Dot', source: a, key, target: elem });
        unifyLocal(p, local(elem), v, () => step(i + 1));
      });
    };
    return step(0);
  }
  planTerm(p, b, (op) => {
    p.emit({ type: 'Equal', a, b: op });
    next();
  });
}

function emitLengthCheck(p: Planner, a: Operand, n: number): void {
  const len = p.newLocal();
  const want = p.newLocal();
  p.emit({ type: 'Len', source: a, target: len });
  p.emit({ type: 'MakeNumberInt', value: n, target: want });
  p.emit({ type: 'Equal', a: local(len), b: local(want) });
}

/** An array or object literal that binds variables (as opposed to a value to compare with). */
function isPattern(p: Planner, t: Term): boolean {
  return (t.value.type === 'array' || t.value.type === 'object') && hasUnboundVars(p, t);
}

/** The terms can never unify: leave the current block. */
function fail(p: Planner): void {
  p.emit({ type: 'Break', index: 0 });
}
