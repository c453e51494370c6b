// UTF-8 decoding/encoding and the few Unicode tables the string builtins need (Go's unicode package
// semantics: invalid bytes decode as U+FFFD of width 1).

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

// Simple case mapping for the scripts policies meet in practice: Latin (Basic, Latin-1, Extended-A,
// Extended Additional), Greek, Cyrillic, Armenian, fullwidth Latin. Other scripts map to themselves.

export function toLower(r: i32): i32 {
  if (r < 0x80) return r >= 0x41 && r <= 0x5a ? r + 32 : r;
  if (r < 0x100) return (r >= 0xc0 && r <= 0xde && r != 0xd7) ? r + 32 : r;
  if (r < 0x180) {
    if (r == 0x130) return 0x69;
    if (r == 0x178) return 0xff;
    if ((r >= 0x100 && r <= 0x12f) || (r >= 0x132 && r <= 0x137) || (r >= 0x14a && r <= 0x177)) return r | 1;
    if ((r >= 0x139 && r <= 0x148) || (r >= 0x179 && r <= 0x17e)) return (r & 1) == 1 ? r + 1 : r;
    return r;
  }
  if (r >= 0x386 && r <= 0x3ab) {
    if (r == 0x386) return 0x3ac;
    if (r >= 0x388 && r <= 0x38a) return r + 37;
    if (r == 0x38c) return 0x3cc;
    if (r == 0x38e || r == 0x38f) return r + 63;
    if (r >= 0x391 && r <= 0x3ab && r != 0x3a2) return r + 32;
    return r;
  }
  if (r >= 0x400 && r <= 0x52f) {
    if (r <= 0x40f) return r + 80;
    if (r <= 0x42f) return r + 32;
    if ((r >= 0x460 && r <= 0x481) || (r >= 0x48a && r <= 0x4bf) || (r >= 0x4d0 && r <= 0x52f)) return r | 1;
    if (r == 0x4c0) return 0x4cf;
    if (r >= 0x4c1 && r <= 0x4ce) return (r & 1) == 1 ? r + 1 : r;
    return r;
  }
  if (r >= 0x531 && r <= 0x556) return r + 48;
  if (r == 0x1e9e) return 0xdf;
  if ((r >= 0x1e00 && r <= 0x1e95) || (r >= 0x1ea0 && r <= 0x1eff)) return r | 1;
  if (r >= 0xff21 && r <= 0xff3a) return r + 32;
  return r;
}

export function toUpper(r: i32): i32 {
  if (r < 0x80) return r >= 0x61 && r <= 0x7a ? r - 32 : r;
  if (r < 0x100) {
    if (r == 0xb5) return 0x39c;
    if (r == 0xff) return 0x178;
    return (r >= 0xe0 && r <= 0xfe && r != 0xf7) ? r - 32 : r;
  }
  if (r < 0x180) {
    if (r == 0x131) return 0x49;
    if (r == 0x17f) return 0x53;
    if ((r >= 0x100 && r <= 0x12f) || (r >= 0x132 && r <= 0x137) || (r >= 0x14a && r <= 0x177)) return r & ~1;
    if ((r >= 0x139 && r <= 0x148) || (r >= 0x179 && r <= 0x17e)) return (r & 1) == 0 ? r - 1 : r;
    return r;
  }
  if (r >= 0x3ac && r <= 0x3ce) {
    if (r == 0x3ac) return 0x386;
    if (r >= 0x3ad && r <= 0x3af) return r - 37;
    if (r == 0x3cc) return 0x38c;
    if (r == 0x3cd || r == 0x3ce) return r - 63;
    if (r == 0x3c2) return 0x3a3;
    if (r >= 0x3b1 && r <= 0x3cb) return r - 32;
    return r;
  }
  if (r >= 0x430 && r <= 0x52f) {
    if (r <= 0x44f) return r - 32;
    if (r <= 0x45f) return r - 80;
    if ((r >= 0x460 && r <= 0x481) || (r >= 0x48a && r <= 0x4bf) || (r >= 0x4d0 && r <= 0x52f)) return r & ~1;
    if (r == 0x4cf) return 0x4c0;
    if (r >= 0x4c1 && r <= 0x4ce) return (r & 1) == 0 ? r - 1 : r;
    return r;
  }
  if (r >= 0x561 && r <= 0x586) return r - 48;
  if ((r >= 0x1e00 && r <= 0x1e95) || (r >= 0x1ea0 && r <= 0x1eff)) return r & ~1;
  if (r >= 0xff41 && r <= 0xff5a) return r - 32;
  return r;
}
