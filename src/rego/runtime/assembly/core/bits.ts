// bits.* as OPA's Wasm compiles them in (its capabilities list them as native): two's-complement
// operations on integers, as Go's big.Int does them. i64 here; a left shift past i64 falls back to f64,
// as the arithmetic builtins do on overflow.

import { TYPE_NUMBER, makeInt, numTryInt, numLastInt } from '../value';
import { operandFail, typeError } from '../error';
import { numberFromF64 } from './arith';

/** OPA's builtins.BigIntOperand: a number with an integral value; otherwise 0 (after the error). */
function intOperand(name: string, pos: i32, v: usize): bool {
  if (load<u8>(v) != TYPE_NUMBER) {
    typeError(name, pos, 'number', v);
    return false;
  }
  if (!numTryInt(v)) {
    operandFail(name, pos, 'must be integer number but got floating-point number');
    return false;
  }
  return true;
}

/** OPA's builtins.UIntOperand for shift counts. */
function shiftOperand(name: string, v: usize): bool {
  if (!intOperand(name, 2, v)) return false;
  if (numLastInt < 0) {
    operandFail(name, 2, 'must be an unsigned integer number but got a negative integer');
    return false;
  }
  return true;
}

export function b_bits_or(a: usize, b: usize): usize {
  if (!intOperand('bits.or', 1, a)) return 0;
  const x = numLastInt;
  if (!intOperand('bits.or', 2, b)) return 0;
  return makeInt(x | numLastInt);
}

export function b_bits_and(a: usize, b: usize): usize {
  if (!intOperand('bits.and', 1, a)) return 0;
  const x = numLastInt;
  if (!intOperand('bits.and', 2, b)) return 0;
  return makeInt(x & numLastInt);
}

export function b_bits_xor(a: usize, b: usize): usize {
  if (!intOperand('bits.xor', 1, a)) return 0;
  const x = numLastInt;
  if (!intOperand('bits.xor', 2, b)) return 0;
  return makeInt(x ^ numLastInt);
}

export function b_bits_negate(a: usize): usize {
  if (!intOperand('bits.negate', 1, a)) return 0;
  return makeInt(~numLastInt);
}

export function b_bits_lsh(a: usize, b: usize): usize {
  if (!intOperand('bits.lsh', 1, a)) return 0;
  const x = numLastInt;
  if (!shiftOperand('bits.lsh', b)) return 0;
  const n = numLastInt;
  if (x == 0) return makeInt(0);
  if (n < 63) {
    const r = x << n;
    if (r >> n == x) return makeInt(r);
  }
  return numberFromF64(<f64>x * Math.pow(2.0, <f64>n));
}

export function b_bits_rsh(a: usize, b: usize): usize {
  if (!intOperand('bits.rsh', 1, a)) return 0;
  const x = numLastInt;
  if (!shiftOperand('bits.rsh', b)) return 0;
  const n = numLastInt;
  // Arithmetic shift: rounds toward negative infinity, as big.Int.Rsh.
  if (n >= 63) return makeInt(x < 0 ? -1 : 0);
  return makeInt(x >> n);
}
