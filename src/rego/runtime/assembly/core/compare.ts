// Comparison builtins over OPA's total order (any two values are comparable).

import { makeBool, compare, equal } from '../value';

export function b_equal(a: usize, b: usize): usize { return makeBool(equal(a, b)); }
export function b_neq(a: usize, b: usize): usize { return makeBool(!equal(a, b)); }
export function b_lt(a: usize, b: usize): usize { return makeBool(compare(a, b) < 0); }
export function b_lte(a: usize, b: usize): usize { return makeBool(compare(a, b) <= 0); }
export function b_gt(a: usize, b: usize): usize { return makeBool(compare(a, b) > 0); }
export function b_gte(a: usize, b: usize): usize { return makeBool(compare(a, b) >= 0); }
