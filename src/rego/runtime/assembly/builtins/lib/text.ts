// Appending runes and numbers to a byte buffer (buf.ts), and reading builtin operands.

import { bufByte, bufBytes, bufReserve, bufCommit } from "../../buf";
import { vtype, TYPE_STRING, TYPE_NUMBER, numTryInt, numLastInt } from "../../value";
import { encodeRune, runeLen } from "./utf8";
import { malloc } from "../../memory";

export function putRune(b: usize, r: i32): void {
  const p = bufReserve(b, runeLen(r));
  bufCommit(b, encodeRune(p, r));
}

export function putU64(b: usize, v: u64): void {
  const tmp = memory.data(24);
  let i = 24;
  do { i--; store<u8>(tmp + <usize>i, <u8>(0x30 + <i32>(v % 10))); v /= 10; } while (v != 0);
  bufBytes(b, tmp + <usize>i, 24 - i);
}

export function putI64(b: usize, v: i64): void {
  if (v < 0) {
    bufByte(b, 0x2d);
    putU64(b, v == i64.MIN_VALUE ? <u64>9223372036854775808 : <u64>(-v));
    return;
  }
  putU64(b, <u64>v);
}

const HEX_LOWER = memory.data<u8>([0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66]);
const HEX_UPPER = memory.data<u8>([0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46]);

export function hexDigit(d: i32, upper: bool): u8 {
  return load<u8>((upper ? HEX_UPPER : HEX_LOWER) + <usize>(d & 15));
}

export function hexValue(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

@inline export function isString(v: usize): bool {
  return v != 0 && vtype(v) == TYPE_STRING;
}

@inline export function isNumber(v: usize): bool {
  return v != 0 && vtype(v) == TYPE_NUMBER;
}

/** True if v is a number with an exact integer value (Go's builtins.IntOperand); the value is in intArgValue. */
export let intArgValue: i64 = 0;
export function intArg(v: usize): bool {
  if (!isNumber(v) || !numTryInt(v)) return false;
  intArgValue = numLastInt;
  return true;
}

/** Bytes at a equal the bytes at b (n each). */
export function bytesEqual(a: usize, b: usize, n: i32): bool {
  for (let i = 0; i < n; i++) if (load<u8>(a + <usize>i) != load<u8>(b + <usize>i)) return false;
  return true;
}

/** The KMP failure function of needle (nn > 0), nn i32s in fresh memory: fail[i] = length of the
 *  longest proper border of needle[0..i]. */
function kmpFailure(needle: usize, nn: i32): usize {
  const fail = malloc(<usize>nn << 2);
  store<i32>(fail, 0);
  let k = 0;
  for (let i = 1; i < nn; i++) {
    const c = load<u8>(needle + <usize>i);
    while (k > 0 && load<u8>(needle + <usize>k) != c) k = load<i32>(fail + (<usize>(k - 1) << 2));
    if (load<u8>(needle + <usize>k) == c) k++;
    store<i32>(fail + (<usize>i << 2), k);
  }
  return fail;
}

/** Index of the first occurrence of needle in hay at or after `from`, or -1. Linear time for long
 *  needles (Knuth–Morris–Pratt), so adversarial inputs cannot make it quadratic. */
export function indexOfBytes(hay: usize, hn: i32, needle: usize, nn: i32, from: i32): i32 {
  if (nn == 0) return from <= hn ? from : -1;
  if (nn > hn - from) return -1;
  const first = load<u8>(needle);
  if (nn <= 16) {
    for (let i = from; i + nn <= hn; i++) {
      if (load<u8>(hay + <usize>i) == first && bytesEqual(hay + <usize>i, needle, nn)) return i;
    }
    return -1;
  }
  const fail = kmpFailure(needle, nn);
  let q = 0;
  for (let i = from; i < hn; i++) {
    const c = load<u8>(hay + <usize>i);
    while (q > 0 && load<u8>(needle + <usize>q) != c) q = load<i32>(fail + (<usize>(q - 1) << 2));
    if (load<u8>(needle + <usize>q) == c) q++;
    if (q == nn) return i - nn + 1;
  }
  return -1;
}

/** Every (overlapping) occurrence of needle (nn > 0) in hay, in one linear KMP pass: returns an i32
 *  list [count, pos0, pos1, …] in fresh memory. */
export function allOccurrences(hay: usize, hn: i32, needle: usize, nn: i32): usize {
  const fail = kmpFailure(needle, nn);
  let cap = 8;
  let out = malloc(<usize>(cap + 1) << 2);
  let count = 0;
  let q = 0;
  for (let i = 0; i < hn; i++) {
    const c = load<u8>(hay + <usize>i);
    while (q > 0 && load<u8>(needle + <usize>q) != c) q = load<i32>(fail + (<usize>(q - 1) << 2));
    if (load<u8>(needle + <usize>q) == c) q++;
    if (q == nn) {
      if (count == cap) {
        const grown = malloc(<usize>(cap * 2 + 1) << 2);
        memory.copy(grown, out, <usize>(cap + 1) << 2);
        out = grown;
        cap *= 2;
      }
      store<i32>(out + (<usize>(++count) << 2), i - nn + 1);
      q = load<i32>(fail + (<usize>(q - 1) << 2));
    }
  }
  store<i32>(out, count);
  return out;
}
