// format_int and to_number.

import {
  vtype, TYPE_NULL, TYPE_BOOLEAN, TYPE_NUMBER, TYPE_STRING, makeInt, numFloat, boolValue, strLen, strPtr,
  numTryInt, numLastInt,
} from "../value";
import { bufNew, bufByte, bufBytes, bufLiteral, bufToString } from "../buf";
import { isNumber, intArg, intArgValue, hexDigit, putU64 } from "./lib/text";
import { decimalNumber } from "./lib/decimal";
import { malloc } from "../memory";
import { builtinFailBuf, operandFail, typeError } from "../error";

export function b_format_int(x: usize, base: usize): usize {
  if (!isNumber(x)) return typeError('format_int', 1, 'number', x);
  if (!intArg(base)) return 0;
  const radix = <i32>intArgValue;
  if (radix != 2 && radix != 8 && radix != 10 && radix != 16) return operandFail('format_int', 2, 'must be one of {2, 8, 10, 16}');
  let v: i64;
  if (numTryInt(x)) v = numLastInt;
  else {
    const f = Math.trunc(numFloat(x)); // big.Float.Int truncates toward zero
    if (!(f > -9.2e18 && f < 9.2e18)) return 0;
    v = <i64>f;
  }
  const b = bufNew(70);
  let u: u64;
  if (v < 0) { bufByte(b, 0x2d); u = v == i64.MIN_VALUE ? <u64>9223372036854775808 : <u64>(-v); }
  else u = <u64>v;
  if (radix == 10) { putU64(b, u); return bufToString(b); }
  const tmp = malloc(64);
  let i = 64;
  do { i--; store<u8>(tmp + <usize>i, hexDigit(<i32>(u % <u64>radix), false)); u /= <u64>radix; } while (u != 0);
  for (; i < 64; i++) bufByte(b, load<u8>(tmp + <usize>i));
  return bufToString(b);
}

export function b_to_number(x: usize): usize {
  if (x == 0) return 0;
  const t = vtype(x);
  if (t == TYPE_NULL) return makeInt(0);
  if (t == TYPE_BOOLEAN) return makeInt(boolValue(x) ? 1 : 0);
  if (t == TYPE_NUMBER) return x;
  if (t != TYPE_STRING) return typeError('to_number', 1, 'one of {null, boolean, number, string}', x);
  const n = decimalNumber(strPtr(x), strLen(x));
  if (n != 0) return n;
  const b = bufNew(64 + strLen(x));
  bufLiteral(b, 'to_number: strconv.ParseFloat: parsing "');
  bufBytes(b, strPtr(x), strLen(x));
  bufLiteral(b, '": invalid syntax');
  return builtinFailBuf(b);
}
