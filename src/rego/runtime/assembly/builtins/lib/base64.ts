// Base64 (Go's encoding/base64: padded decoding that ignores CR/LF) and hex helpers shared by the
// encoding and JWT builtins.

import { makeString } from "../../value";
import { malloc } from "../../memory";
import { hexDigit } from "./text";

const STD = memory.data<u8>([
  65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90,
  97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117,
  118, 119, 120, 121, 122, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 43, 47,
]);

function alphabet(c: i32, url: bool): u8 {
  if (c == 62) return url ? 0x2d : 0x2b;
  if (c == 63) return url ? 0x5f : 0x2f;
  return load<u8>(STD + <usize>c);
}

/** base64 (url: URL alphabet; pad: with '=') of the n bytes at p, as a string value. */
export function base64Encode(p: usize, n: i32, url: bool, pad: bool): usize {
  const o = malloc(<usize>((n + 2) / 3 * 4 + 1));
  let j = 0;
  let i = 0;
  for (; i + 3 <= n; i += 3) {
    const v = (<i32>load<u8>(p + <usize>i) << 16) | (<i32>load<u8>(p + <usize>i + 1) << 8) | <i32>load<u8>(p + <usize>i + 2);
    store<u8>(o + <usize>j, alphabet((v >> 18) & 63, url));
    store<u8>(o + <usize>j + 1, alphabet((v >> 12) & 63, url));
    store<u8>(o + <usize>j + 2, alphabet((v >> 6) & 63, url));
    store<u8>(o + <usize>j + 3, alphabet(v & 63, url));
    j += 4;
  }
  const rem = n - i;
  if (rem > 0) {
    let v = <i32>load<u8>(p + <usize>i) << 16;
    if (rem == 2) v |= <i32>load<u8>(p + <usize>i + 1) << 8;
    store<u8>(o + <usize>(j++), alphabet((v >> 18) & 63, url));
    store<u8>(o + <usize>(j++), alphabet((v >> 12) & 63, url));
    if (rem == 2) store<u8>(o + <usize>(j++), alphabet((v >> 6) & 63, url));
    else if (pad) store<u8>(o + <usize>(j++), 0x3d);
    if (pad) store<u8>(o + <usize>(j++), 0x3d);
  }
  return makeString(o, j);
}

function sextet(c: i32, url: bool): i32 {
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 26;
  if (c >= 0x30 && c <= 0x39) return c - 0x30 + 52;
  if (c == (url ? 0x2d : 0x2b)) return 62;
  if (c == (url ? 0x5f : 0x2f)) return 63;
  return -1;
}

/** Go's (padded) base64 decoding of n bytes at p; '\r' and '\n' are ignored. Returns 0 on error. */
export function base64Decode(p: usize, n: i32, url: bool): usize {
  // strip newlines
  const clean = malloc(<usize>max<i32>(n, 1));
  let m = 0;
  for (let i = 0; i < n; i++) {
    const c = load<u8>(p + <usize>i);
    if (c != 0x0d && c != 0x0a) store<u8>(clean + <usize>(m++), c);
  }
  if (m % 4 != 0) return 0;
  const o = malloc(<usize>max<i32>(m / 4 * 3, 1));
  let j = 0;
  for (let i = 0; i < m; i += 4) {
    let v = 0;
    let got = 0;
    for (let k = 0; k < 4; k++) {
      const c = <i32>load<u8>(clean + <usize>(i + k));
      if (c == 0x3d) {
        // padding: only in the last quantum, at positions 2 or 3, and "=" runs to the end
        if (i + 4 != m || k < 2) return 0;
        if (k == 2 && load<u8>(clean + <usize>(i + 3)) != 0x3d) return 0;
        break;
      }
      const s = sextet(c, url);
      if (s < 0) return 0;
      v |= s << (18 - 6 * k);
      got++;
    }
    store<u8>(o + <usize>(j++), <u8>(v >> 16));
    if (got >= 3) store<u8>(o + <usize>(j++), <u8>(v >> 8));
    if (got == 4) store<u8>(o + <usize>(j++), <u8>v);
  }
  return makeString(o, j);
}

/** OPA's base64url.decode: padding is optional (RFC 7515 appendix C). */
export function base64UrlDecodeLenient(p: usize, n: i32): usize {
  if (n > 0 && load<u8>(p + <usize>n - 1) == 0x3d) return base64Decode(p, n, true);
  const r = n % 4;
  if (r == 1) return 0;
  if (r == 0) return base64Decode(p, n, true);
  const q = malloc(<usize>n + 2);
  memory.copy(q, p, <usize>n);
  store<u8>(q + <usize>n, 0x3d);
  store<u8>(q + <usize>n + 1, 0x3d);
  return base64Decode(q, n + (4 - r), true);
}

export function hexEncodeBytes(p: usize, n: i32): usize {
  const o = malloc(<usize>max<i32>(n * 2, 1));
  for (let i = 0; i < n; i++) {
    const c = <i32>load<u8>(p + <usize>i);
    store<u8>(o + <usize>(2 * i), hexDigit(c >> 4, false));
    store<u8>(o + <usize>(2 * i + 1), hexDigit(c, false));
  }
  return makeString(o, n * 2);
}

