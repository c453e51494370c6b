// base64, base64url, hex and urlquery builtins (Go's encoding/base64, encoding/hex, net/url semantics).

import {
  vtype, TYPE_ARRAY, TYPE_SET, TYPE_OBJECT, makeBool, makeString, makeArray, arrAppend, arrLen, arrGet,
  setLen, setAt, objLen, objKeyAt, objValAt, makeObject, objGet, objInsert, strLen, strPtr,
} from "../value";
import { malloc } from "../memory";
import { bufNew, bufByte, bufBytes, bufLiteral, bufToString, bufLen, bufData } from "../buf";
import { isString, hexDigit, hexValue, putU64 } from "./lib/text";
import { base64Encode, base64Decode, base64UrlDecodeLenient, hexEncodeBytes } from "./lib/base64";
import { builtinFail, builtinFailBuf, typeError } from "../error";

export function b_base64_encode(s: usize): usize {
  return isString(s) ? base64Encode(strPtr(s), strLen(s), false, true) : typeError('base64.encode', 1, 'string', s);
}
export function b_base64url_encode(s: usize): usize {
  return isString(s) ? base64Encode(strPtr(s), strLen(s), true, true) : typeError('base64url.encode', 1, 'string', s);
}
export function b_base64url_encode_no_pad(s: usize): usize {
  return isString(s) ? base64Encode(strPtr(s), strLen(s), true, false) : typeError('base64url.encode_no_pad', 1, 'string', s);
}

export function b_base64_decode(s: usize): usize {
  if (!isString(s)) return typeError('base64.decode', 1, 'string', s);
  const d = base64Decode(strPtr(s), strLen(s), false);
  if (d != 0) return d;
  // Go's base64.CorruptInputError: the offset of the first byte outside the alphabet
  const p = strPtr(s), n = strLen(s);
  let i = 0;
  for (; i < n; i++) {
    const c = load<u8>(p + <usize>i);
    if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c == 0x2b || c == 0x2f)) break;
  }
  const e = bufNew(64);
  bufLiteral(e, 'base64.decode: illegal base64 data at input byte ');
  putU64(e, <u64>i);
  return builtinFailBuf(e);
}

export function b_base64_is_valid(s: usize): usize {
  if (!isString(s)) return typeError('base64.is_valid', 1, 'string', s);
  return makeBool(base64Decode(strPtr(s), strLen(s), false) != 0);
}

export function b_base64url_decode(s: usize): usize {
  if (!isString(s)) return typeError('base64url.decode', 1, 'string', s);
  return base64UrlDecodeLenient(strPtr(s), strLen(s));
}

// ---- hex ----------------------------------------------------------------------------------------

export function b_hex_encode(s: usize): usize {
  if (!isString(s)) return typeError('hex.encode', 1, 'string', s);
  return hexEncodeBytes(strPtr(s), strLen(s));
}

export function b_hex_decode(s: usize): usize {
  if (!isString(s)) return typeError('hex.decode', 1, 'string', s);
  const p = strPtr(s), n = strLen(s);
  const o = malloc(<usize>max<i32>(n / 2, 1));
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const hc = <i32>load<u8>(p + <usize>i), lc = <i32>load<u8>(p + <usize>i + 1);
    const h = hexValue(hc), l = hexValue(lc);
    if (h < 0) return invalidHexByte(hc);
    if (l < 0) return invalidHexByte(lc);
    store<u8>(o + <usize>(i / 2), <u8>((h << 4) | l));
  }
  if (i < n) {
    // Go reports a bad last character before the odd length
    const c = <i32>load<u8>(p + <usize>i);
    if (hexValue(c) < 0) return invalidHexByte(c);
    return builtinFail('hex.decode', 'encoding/hex: odd length hex string');
  }
  return makeString(o, n / 2);
}

/** Go's hex.InvalidByteError text: "encoding/hex: invalid byte: U+0067 'g'" (%#U of the byte). */
function invalidHexByte(c: i32): usize {
  const b = bufNew(64);
  bufLiteral(b, "hex.decode: encoding/hex: invalid byte: U+00");
  bufByte(b, hexDigit((c >> 4) & 15, true));
  bufByte(b, hexDigit(c & 15, true));
  if (c >= 0x20 && c <= 0x7e) {
    bufLiteral(b, " '");
    bufByte(b, <u8>c);
    bufByte(b, 0x27);
  }
  return builtinFailBuf(b);
}

// ---- urlquery -----------------------------------------------------------------------------------

function unreserved(c: i32): bool {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) ||
    c == 0x2d || c == 0x5f || c == 0x2e || c == 0x7e;
}

/** Go's url.QueryEscape into b. */
function queryEscape(b: usize, p: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const c = <i32>load<u8>(p + <usize>i);
    if (unreserved(c)) bufByte(b, <u8>c);
    else if (c == 0x20) bufByte(b, 0x2b);
    else { bufByte(b, 0x25); bufByte(b, hexDigit(c >> 4, true)); bufByte(b, hexDigit(c, true)); }
  }
}

/** Go's url.QueryUnescape of [p, p+n) into a new buffer; returns 0 on a bad escape. */
function queryUnescape(p: usize, n: i32): usize {
  const b = bufNew(n);
  for (let i = 0; i < n; i++) {
    const c = <i32>load<u8>(p + <usize>i);
    if (c == 0x25) {
      if (i + 2 >= n) return 0;
      const h = hexValue(<i32>load<u8>(p + <usize>i + 1)), l = hexValue(<i32>load<u8>(p + <usize>i + 2));
      if (h < 0 || l < 0) return 0;
      bufByte(b, <u8>((h << 4) | l));
      i += 2;
    } else if (c == 0x2b) bufByte(b, 0x20);
    else bufByte(b, <u8>c);
  }
  return b;
}

export function b_urlquery_encode(s: usize): usize {
  if (!isString(s)) return typeError('urlquery.encode', 1, 'string', s);
  const b = bufNew(strLen(s) + 8);
  queryEscape(b, strPtr(s), strLen(s));
  return bufToString(b);
}

export function b_urlquery_decode(s: usize): usize {
  if (!isString(s)) return typeError('urlquery.decode', 1, 'string', s);
  const b = queryUnescape(strPtr(s), strLen(s));
  if (b != 0) return bufToString(b);
  // Go's url.EscapeError: the first bad "%xx"
  const p = strPtr(s), n = strLen(s);
  let i = 0;
  while (i < n && !(load<u8>(p + <usize>i) == 0x25 && !(i + 2 < n && hexValue(<i32>load<u8>(p + <usize>i + 1)) >= 0 && hexValue(<i32>load<u8>(p + <usize>i + 2)) >= 0))) i++;
  const e = bufNew(64);
  bufLiteral(e, 'urlquery.decode: invalid URL escape "');
  if (i < n) bufBytes(e, p + <usize>i, min<i32>(3, n - i));
  bufByte(e, 0x22);
  return builtinFailBuf(e);
}

function putPair(b: usize, k: usize, v: usize): void {
  if (bufLen(b) > 0) bufByte(b, 0x26);
  queryEscape(b, strPtr(k), strLen(k));
  bufByte(b, 0x3d);
  queryEscape(b, strPtr(v), strLen(v));
}

export function b_urlquery_encode_object(o: usize): usize {
  if (o == 0 || vtype(o) != TYPE_OBJECT) return 0;
  const b = bufNew(64);
  const n = objLen(o);
  // entries are sorted by key, as url.Values.Encode sorts
  for (let i = 0; i < n; i++) {
    const k = objKeyAt(o, i), v = objValAt(o, i);
    if (!isString(k)) return 0;
    const t = vtype(v);
    if (isString(v)) putPair(b, k, v);
    else if (t == TYPE_ARRAY) {
      for (let j = 0; j < arrLen(v); j++) { const e = arrGet(v, j); if (!isString(e)) return 0; putPair(b, k, e); }
    } else if (t == TYPE_SET) {
      for (let j = 0; j < setLen(v); j++) { const e = setAt(v, j); if (!isString(e)) return 0; putPair(b, k, e); }
    } else return 0;
  }
  return bufToString(b);
}

export function b_urlquery_decode_object(s: usize): usize {
  if (!isString(s)) return typeError('urlquery.decode_object', 1, 'string', s);
  const p = strPtr(s), n = strLen(s);
  const out = makeObject();
  let i = 0;
  while (i <= n) {
    let j = i;
    while (j < n && load<u8>(p + <usize>j) != 0x26) j++;
    if (j > i) {
      let eq = i;
      while (eq < j && load<u8>(p + <usize>eq) != 0x3d) eq++;
      for (let q = i; q < j; q++) if (load<u8>(p + <usize>q) == 0x3b) return 0; // Go: invalid semicolon separator
      const kb = queryUnescape(p + <usize>i, eq - i);
      if (kb == 0) return 0;
      const vb = eq < j ? queryUnescape(p + <usize>eq + 1, j - eq - 1) : bufNew(0);
      if (vb == 0) return 0;
      const key = makeString(bufData(kb), bufLen(kb));
      let arr = objGet(out, key);
      if (arr == 0) { arr = makeArray(2); objInsert(out, key, arr); }
      arrAppend(arr, makeString(bufData(vb), bufLen(vb)));
    }
    i = j + 1;
  }
  return out;
}
