// Arithmetic builtins: exact i64 arithmetic when both operands are integers (falling back to f64 on
// overflow), f64 otherwise; `minus` is also set difference.

import {
  TYPE_NUMBER, TYPE_SET, TYPE_ARRAY, makeInt, makeFloat, numIsInt, numFloat, numTryInt, numLastInt,
  makeSet, setLen, setAt, setContains, setAppendRaw, makeArray, arrAppend,
} from '../value';
import { builtinError, builtinFail, elementTypeError, operandFail, typeError } from '../error';

@inline function isNum(v: usize): bool {
  return load<u8>(v) == TYPE_NUMBER;
}

/** A float result, normalised to an int when it is integral and exactly representable. */
export function numberFromF64(f: f64): usize {
  if (f == Math.floor(f) && Math.abs(f) <= 9.007199254740992e15) return makeInt(<i64>f);
  return makeFloat(f);
}

export function b_plus(a: usize, b: usize): usize {
  if (!isNum(a)) return typeError('plus', 1, 'number', a);
  if (!isNum(b)) return typeError('plus', 2, 'number', b);
  if (numIsInt(a) && numIsInt(b)) {
    const x = load<i64>(a, 8);
    const y = load<i64>(b, 8);
    const r = x + y;
    if (((x ^ r) & (y ^ r)) >= 0) return makeInt(r);
  }
  return numberFromF64(numFloat(a) + numFloat(b));
}

export function b_minus(a: usize, b: usize): usize {
  if (isNum(a) && isNum(b)) {
    if (numIsInt(a) && numIsInt(b)) {
      const x = load<i64>(a, 8);
      const y = load<i64>(b, 8);
      const r = x - y;
      if (((x ^ y) & (x ^ r)) >= 0) return makeInt(r);
    }
    return numberFromF64(numFloat(a) - numFloat(b));
  }
  if (load<u8>(a) == TYPE_SET && load<u8>(b) == TYPE_SET) {
    const s = makeSet();
    const n = setLen(a);
    for (let i = 0; i < n; i++) {
      const e = setAt(a, i);
      if (!setContains(b, e)) setAppendRaw(s, e); // stays sorted
    }
    return s;
  }
  if (!isNum(a) && load<u8>(a) != TYPE_SET) return typeError('minus', 1, 'one of {number, set}', a);
  if (isNum(a)) return typeError('minus', 2, 'number', b);
  return typeError('minus', 2, 'set', b);
}

/** Rego v0's deprecated set_diff(a, b): `a - b` for sets only. */
export function b_set_diff(a: usize, b: usize): usize {
  if (load<u8>(a) != TYPE_SET) return typeError('set_diff', 1, 'set', a);
  if (load<u8>(b) != TYPE_SET) return typeError('set_diff', 2, 'set', b);
  return b_minus(a, b);
}

export function b_mul(a: usize, b: usize): usize {
  if (!isNum(a)) return typeError('mul', 1, 'number', a);
  if (!isNum(b)) return typeError('mul', 2, 'number', b);
  if (numIsInt(a) && numIsInt(b)) {
    const x = load<i64>(a, 8);
    const y = load<i64>(b, 8);
    const ax = x < 0 ? -x : x;
    const ay = y < 0 ? -y : y;
    if (ax < 0x80000000 && ay < 0x80000000) return makeInt(x * y);
    const r = x * y;
    if (x != 0 && (r / x != y || (x == -1 && y == i64.MIN_VALUE))) return makeFloat(<f64>x * <f64>y);
    return makeInt(r);
  }
  return numberFromF64(numFloat(a) * numFloat(b));
}

export function b_div(a: usize, b: usize): usize {
  if (!isNum(a)) return typeError('div', 1, 'number', a);
  if (!isNum(b)) return typeError('div', 2, 'number', b);
  if (numFloat(b) == 0) builtinError('div', 'divide by zero');
  if (numIsInt(a) && numIsInt(b)) {
    const x = load<i64>(a, 8);
    const y = load<i64>(b, 8);
    if (!(x == i64.MIN_VALUE && y == -1) && x % y == 0) return makeInt(x / y);
  }
  return numberFromF64(numFloat(a) / numFloat(b));
}

export function b_rem(a: usize, b: usize): usize {
  if (!isNum(a)) return typeError('rem', 1, 'number', a);
  if (!isNum(b)) return typeError('rem', 2, 'number', b);
  if (!numTryInt(a)) return builtinFail('rem', 'modulo on floating-point number');
  const x = numLastInt;
  if (!numTryInt(b)) return builtinFail('rem', 'modulo on floating-point number');
  const y = numLastInt;
  if (y == 0) builtinError('rem', 'modulo by zero');
  if (y == -1) return makeInt(0);
  return makeInt(x % y);
}

export function b_abs(a: usize): usize {
  if (!isNum(a)) return typeError('abs', 1, 'number', a);
  if (numIsInt(a)) {
    const x = load<i64>(a, 8);
    if (x >= 0) return a;
    if (x != i64.MIN_VALUE) return makeInt(-x);
  }
  return numberFromF64(Math.abs(numFloat(a)));
}

function roundHalfAway(f: f64): f64 {
  const t = Math.trunc(f);
  if (Math.abs(f - t) >= 0.5) return t + (f < 0 ? -1.0 : 1.0);
  return t;
}

export function b_round(a: usize): usize {
  if (!isNum(a)) return typeError('round', 1, 'number', a);
  if (numIsInt(a)) return a;
  return numberFromF64(roundHalfAway(numFloat(a)));
}

export function b_ceil(a: usize): usize {
  if (!isNum(a)) return typeError('ceil', 1, 'number', a);
  if (numIsInt(a)) return a;
  return numberFromF64(Math.ceil(numFloat(a)));
}

export function b_floor(a: usize): usize {
  if (!isNum(a)) return typeError('floor', 1, 'number', a);
  if (numIsInt(a)) return a;
  return numberFromF64(Math.floor(numFloat(a)));
}

export function b_numbers_range(a: usize, b: usize): usize {
  if (!isNum(a)) return typeError('numbers.range', 1, 'number', a);
  if (!isNum(b)) return typeError('numbers.range', 2, 'number', b);
  if (!numTryInt(a)) return operandFail('numbers.range', 1, 'must be integer number but got floating-point number');
  const x = numLastInt;
  if (!numTryInt(b)) return operandFail('numbers.range', 2, 'must be integer number but got floating-point number');
  const y = numLastInt;
  const n = x <= y ? y - x + 1 : x - y + 1;
  const r = makeArray(<i32>(n < 1 << 30 ? n : 1 << 30));
  if (x <= y) for (let i = x; i <= y; i++) arrAppend(r, makeInt(i));
  else for (let i = x; i >= y; i--) arrAppend(r, makeInt(i));
  return r;
}

/** Sum/product helpers for aggregates over arrays and sets. */
export function foldNumbers(c: usize, product: bool): usize {
  const t = load<u8>(c);
  if (t != TYPE_ARRAY && t != TYPE_SET) return typeError(product ? 'product' : 'sum', 1, 'one of {set, array}', c);
  const n = load<i32>(c, 4);
  const e = load<usize>(c, 12);
  let acc = makeInt(product ? 1 : 0);
  for (let i = 0; i < n; i++) {
    const v = load<usize>(e + (<usize>i << 2));
    if (!isNum(v)) return elementTypeError(product ? 'product' : 'sum', 1, t == TYPE_ARRAY ? 'array' : 'set', 'number', v);
    acc = product ? b_mul(acc, v) : b_plus(acc, v);
  }
  return acc;
}
