// Aggregates: count, sum, product, max, min, sort.

import {
  TYPE_ARRAY, TYPE_SET, TYPE_OBJECT, TYPE_STRING, makeInt, makeArray, compare, valueLength, sortEntries,
} from '../value';
import { malloc } from '../memory';
import { foldNumbers } from './arith';
import { typeError } from '../error';

export function b_count(v: usize): usize {
  const t = load<u8>(v);
  if (t == TYPE_STRING || t == TYPE_ARRAY || t == TYPE_OBJECT || t == TYPE_SET) return makeInt(valueLength(v));
  return typeError('count', 1, 'one of {array, object, set, string}', v);
}

export function b_sum(v: usize): usize { return foldNumbers(v, false); }
export function b_product(v: usize): usize { return foldNumbers(v, true); }

function extreme(v: usize, sign: i32): usize {
  const t = load<u8>(v);
  if (t != TYPE_ARRAY && t != TYPE_SET) return typeError(sign > 0 ? 'max' : 'min', 1, 'one of {set, array}', v);
  const n = load<i32>(v, 4);
  if (n == 0) return 0;
  const e = load<usize>(v, 12);
  if (t == TYPE_SET) return load<usize>(e + (sign > 0 ? <usize>(n - 1) << 2 : 0));
  let best = load<usize>(e);
  for (let i = 1; i < n; i++) {
    const x = load<usize>(e + (<usize>i << 2));
    if (compare(x, best) * sign > 0) best = x;
  }
  return best;
}

export function b_max(v: usize): usize { return extreme(v, 1); }
export function b_min(v: usize): usize { return extreme(v, -1); }

export function b_sort(v: usize): usize {
  const t = load<u8>(v);
  if (t != TYPE_ARRAY && t != TYPE_SET) return typeError('sort', 1, 'one of {set, array}', v);
  const n = load<i32>(v, 4);
  const r = makeArray(0);
  if (n == 0) return r;
  const e = malloc(<usize>n << 2);
  memory.copy(e, load<usize>(v, 12), <usize>n << 2);
  if (t == TYPE_ARRAY) sortEntries(e, n, 4);
  store<i32>(r, n, 4);
  store<i32>(r, n, 8);
  store<usize>(r, e, 12);
  return r;
}
