// array.concat, array.slice, array.reverse.

import { operandFail, typeError } from '../error';
import { TYPE_ARRAY, TYPE_NUMBER, makeArray, arrLen, arrGet, arrAppend, numTryInt, numLastInt } from '../value';

export function b_array_concat(a: usize, b: usize): usize {
  if (load<u8>(a) != TYPE_ARRAY) return typeError('array.concat', 1, 'array', a);
  if (load<u8>(b) != TYPE_ARRAY) return typeError('array.concat', 2, 'array', b);
  const na = arrLen(a);
  const nb = arrLen(b);
  const r = makeArray(na + nb);
  for (let i = 0; i < na; i++) arrAppend(r, arrGet(a, i));
  for (let i = 0; i < nb; i++) arrAppend(r, arrGet(b, i));
  return r;
}

export function b_array_slice(a: usize, s: usize, e: usize): usize {
  if (load<u8>(a) != TYPE_ARRAY) return typeError('array.slice', 1, 'array', a);
  if (load<u8>(s) != TYPE_NUMBER) return typeError('array.slice', 2, 'number', s);
  if (load<u8>(e) != TYPE_NUMBER) return typeError('array.slice', 3, 'number', e);
  if (!numTryInt(s)) return operandFail('array.slice', 2, 'must be integer number but got floating-point number');
  let start = numLastInt;
  if (!numTryInt(e)) return operandFail('array.slice', 3, 'must be integer number but got floating-point number');
  let stop = numLastInt;
  const n = <i64>arrLen(a);
  if (start < 0) start = 0;
  if (stop > n) stop = n;
  if (start >= stop) return makeArray(0);
  const r = makeArray(<i32>(stop - start));
  for (let i = <i32>start; i < <i32>stop; i++) arrAppend(r, arrGet(a, i));
  return r;
}

export function b_array_reverse(a: usize): usize {
  if (load<u8>(a) != TYPE_ARRAY) return typeError('array.reverse', 1, 'array', a);
  const n = arrLen(a);
  const r = makeArray(n);
  for (let i = n - 1; i >= 0; i--) arrAppend(r, arrGet(a, i));
  return r;
}
