// UTF-8 decoding/encoding and the Unicode properties the string builtins need (Go's unicode package
// semantics: invalid bytes decode as U+FFFD of width 1).

import { TO_LOWER, TO_LOWER_RUNS, TO_UPPER, TO_UPPER_RUNS } from "./case-tables";

/** Width in bytes of the rune last decoded by `decodeRune`. */
export let runeWidth: i32 = 1;

export const RUNE_ERROR: i32 = 0xfffd;

/** Decodes the rune at p (end exclusive); sets `runeWidth`. */
export function decodeRune(p: usize, end: usize): i32 {
  const b0 = <i32>load<u8>(p);
  if (b0 < 0x80) { runeWidth = 1; return b0; }
  const avail = <i32>(end - p);
  runeWidth = 1;
  if (b0 < 0xc2 || b0 > 0xf4) return RUNE_ERROR;
  if (b0 < 0xe0) {
    if (avail < 2) return RUNE_ERROR;
    const b1 = <i32>load<u8>(p + 1);
    if ((b1 & 0xc0) != 0x80) return RUNE_ERROR;
    runeWidth = 2;
    return ((b0 & 0x1f) << 6) | (b1 & 0x3f);
  }
  if (b0 < 0xf0) {
    if (avail < 3) return RUNE_ERROR;
    const b1 = <i32>load<u8>(p + 1);
    const b2 = <i32>load<u8>(p + 2);
    if ((b1 & 0xc0) != 0x80 || (b2 & 0xc0) != 0x80) return RUNE_ERROR;
    if (b0 == 0xe0 && b1 < 0xa0) return RUNE_ERROR;
    if (b0 == 0xed && b1 >= 0xa0) return RUNE_ERROR; // surrogates
    runeWidth = 3;
    return ((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
  }
  if (avail < 4) return RUNE_ERROR;
  const b1 = <i32>load<u8>(p + 1);
  const b2 = <i32>load<u8>(p + 2);
  const b3 = <i32>load<u8>(p + 3);
  if ((b1 & 0xc0) != 0x80 || (b2 & 0xc0) != 0x80 || (b3 & 0xc0) != 0x80) return RUNE_ERROR;
  if (b0 == 0xf0 && b1 < 0x90) return RUNE_ERROR;
  if (b0 == 0xf4 && b1 >= 0x90) return RUNE_ERROR;
  runeWidth = 4;
  return ((b0 & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f);
}

/** Decodes the rune that ends just before p (start inclusive); sets `runeWidth`. */
export function decodeLastRune(start: usize, p: usize): i32 {
  if (p <= start) { runeWidth = 0; return RUNE_ERROR; }
  const last = <i32>load<u8>(p - 1);
  if (last < 0x80) { runeWidth = 1; return last; }
  // back up over at most 3 continuation bytes to a lead byte
  let q = p - 1;
  const lim = p - 4 > start && p >= 4 ? p - 4 : start;
  while (q > lim && (load<u8>(q) & 0xc0) == 0x80) q--;
  const r = decodeRune(q, p);
  if (q + <usize>runeWidth != p) { runeWidth = 1; return RUNE_ERROR; }
  return r;
}

/** Bytes needed to encode r. */
export function runeLen(r: i32): i32 {
  if (r < 0) return 3;
  if (r < 0x80) return 1;
  if (r < 0x800) return 2;
  if (r >= 0xd800 && r <= 0xdfff) return 3;
  if (r < 0x10000) return 3;
  if (r <= 0x10ffff) return 4;
  return 3;
}

/** Writes r at p (invalid runes as U+FFFD); returns the byte count. */
export function encodeRune(p: usize, r: i32): i32 {
  if (r < 0 || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) r = RUNE_ERROR;
  if (r < 0x80) { store<u8>(p, <u8>r); return 1; }
  if (r < 0x800) {
    store<u8>(p, <u8>(0xc0 | (r >> 6)));
    store<u8>(p + 1, <u8>(0x80 | (r & 0x3f)));
    return 2;
  }
  if (r < 0x10000) {
    store<u8>(p, <u8>(0xe0 | (r >> 12)));
    store<u8>(p + 1, <u8>(0x80 | ((r >> 6) & 0x3f)));
    store<u8>(p + 2, <u8>(0x80 | (r & 0x3f)));
    return 3;
  }
  store<u8>(p, <u8>(0xf0 | (r >> 18)));
  store<u8>(p + 1, <u8>(0x80 | ((r >> 12) & 0x3f)));
  store<u8>(p + 2, <u8>(0x80 | ((r >> 6) & 0x3f)));
  store<u8>(p + 3, <u8>(0x80 | (r & 0x3f)));
  return 4;
}

export function isASCII(p: usize, n: i32): bool {
  for (let i = 0; i < n; i++) if (load<u8>(p + <usize>i) >= 0x80) return false;
  return true;
}

/** Number of runes in the n bytes at p. */
export function runeCount(p: usize, n: i32): i32 {
  const end = p + <usize>n;
  let c = 0;
  let q = p;
  while (q < end) { decodeRune(q, end); q += <usize>runeWidth; c++; }
  return c;
}

/** Byte offset of rune index k (clamped to n). */
export function runeOffset(p: usize, n: i32, k: i32): i32 {
  const end = p + <usize>n;
  let q = p;
  let i = 0;
  while (q < end && i < k) { decodeRune(q, end); q += <usize>runeWidth; i++; }
  return <i32>(q - p);
}

/** Go's unicode.IsSpace. */
export function isSpace(r: i32): bool {
  if (r <= 0xff) return r == 0x20 || (r >= 0x09 && r <= 0x0d) || r == 0x85 || r == 0xa0;
  return r == 0x1680 || (r >= 0x2000 && r <= 0x200a) || r == 0x2028 || r == 0x2029 || r == 0x202f ||
    r == 0x205f || r == 0x3000;
}

// Simple case mapping (Go's unicode.ToLower / ToUpper), from the generated run tables.

function mapCase(r: i32, table: usize, runs: i32): i32 {
  let lo = 0, hi = runs - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const e = table + <usize>mid * 12;
    const first = load<i32>(e);
    const lastWord = load<i32>(e, 4);
    const last = lastWord & 0x7fffffff;
    if (r < first) hi = mid - 1;
    else if (r > last) lo = mid + 1;
    else {
      if (lastWord < 0 && ((r - first) & 1) != 0) return r; // every other code point
      return r + load<i32>(e, 8);
    }
  }
  return r;
}

export function toLower(r: i32): i32 {
  if (r < 0x80) return r >= 0x41 && r <= 0x5a ? r + 32 : r;
  return mapCase(r, TO_LOWER, TO_LOWER_RUNS);
}

export function toUpper(r: i32): i32 {
  if (r < 0x80) return r >= 0x61 && r <= 0x7a ? r - 32 : r;
  return mapCase(r, TO_UPPER, TO_UPPER_RUNS);
}
