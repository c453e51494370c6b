// A growable byte buffer in linear memory, for builtins and dumps that build strings.
// Layout: [len:i32 @0, cap:i32 @4, data @8 (ptr)].

import { malloc, realloc } from './memory';
import { makeString, literalToUtf8, lastLiteralLen } from './value';

export function bufNew(cap: i32): usize {
  if (cap < 16) cap = 16;
  const b = malloc(12);
  store<i32>(b, 0);
  store<i32>(b, cap, 4);
  store<usize>(b, malloc(<usize>cap), 8);
  return b;
}

@inline export function bufLen(b: usize): i32 {
  return load<i32>(b);
}

@inline export function bufData(b: usize): usize {
  return load<usize>(b, 8);
}

/** Makes room for n more bytes; returns the write position. */
export function bufReserve(b: usize, n: i32): usize {
  const len = load<i32>(b);
  let cap = load<i32>(b, 4);
  if (len + n > cap) {
    let ncap = cap * 2;
    if (ncap < len + n) ncap = len + n;
    store<usize>(b, realloc(load<usize>(b, 8), <usize>cap, <usize>ncap), 8);
    store<i32>(b, ncap, 4);
    cap = ncap;
  }
  return load<usize>(b, 8) + <usize>len;
}

/** Marks n reserved bytes as written. */
@inline export function bufCommit(b: usize, n: i32): void {
  store<i32>(b, load<i32>(b) + n);
}

@inline export function bufByte(b: usize, c: u8): void {
  const len = load<i32>(b);
  if (len < load<i32>(b, 4)) {
    store<u8>(load<usize>(b, 8) + <usize>len, c);
    store<i32>(b, len + 1);
  } else bufByteSlow(b, c);
}

function bufByteSlow(b: usize, c: u8): void {
  const p = bufReserve(b, 1);
  store<u8>(p, c);
  store<i32>(b, load<i32>(b) + 1);
}

export function bufBytes(b: usize, ptr: usize, len: i32): void {
  const p = bufReserve(b, len);
  if (len <= 8) {
    for (let i = 0; i < len; i++) store<u8>(p + <usize>i, load<u8>(ptr + <usize>i));
  } else memory.copy(p, ptr, <usize>len);
  store<i32>(b, load<i32>(b) + len);
}

export function bufLiteral(b: usize, s: string): void {
  const p = literalToUtf8(s, false);
  bufBytes(b, p, lastLiteralLen);
}

/** The buffer's bytes as a string value (shares the bytes; do not write to the buffer afterwards). */
export function bufToString(b: usize): usize {
  return makeString(load<usize>(b, 8), load<i32>(b));
}
