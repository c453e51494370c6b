// What the planner needs to know of a builtin: its arity (to tell an output argument from an input:
// `count(xs, n)` captures the result in `n`) and whether it enumerates results (a relation, `walk`).
import { BUILTINS } from '../builtins/catalog.js';

export function builtinArity(name: string): number | undefined {
  const b = BUILTINS.get(name);
  return b === undefined || b.variadic === true ? undefined : b.arity;
}

export function isBuiltin(name: string): boolean {
  return BUILTINS.has(name);
}

export function isRelation(name: string): boolean {
  return BUILTINS.get(name)?.relation === true;
}
