// glob.match (gobwas/glob semantics, as OPA uses): the glob is translated to an anchored regular
// expression and run on the Pike VM, so matching is linear and bounded.
//   *  any run of non-delimiters     ** any run of anything      ?  one non-delimiter
//   [abc] [a-z] [!abc]  one character in / not in the set        {a,b}  alternatives
//   \x escapes x. Delimiters: null → none; [] → ["."]; else the given single-character strings.

import { vtype, TYPE_NULL, TYPE_ARRAY, makeBool, strLen, strPtr, arrLen, arrGet } from "../value";
import { bufNew, bufByte, bufLiteral, bufLen, bufData, bufToString } from "../buf";
import { isString, hexDigit } from "./lib/text";
import { decodeRune, runeWidth, runeCount } from "./lib/utf8";
import { reCompile, reExec, reStatus } from "./lib/regex-engine";
import { heapGet, heapSet } from "../memory";
import { typeError } from "../error";

let delims: usize = 0; // i32 runes
let delimN: i32 = 0;

function putHexRune(b: usize, r: i32): void {
  bufLiteral(b, "\\x{");
  let started = false;
  for (let sh = 20; sh >= 0; sh -= 4) {
    const d = (r >> sh) & 15;
    if (d != 0 || started || sh == 0) { bufByte(b, hexDigit(d, false)); started = true; }
  }
  bufByte(b, 0x7d);
}

function putNotDelim(b: usize): void {
  if (delimN == 0) { bufLiteral(b, "(?s:.)"); return; }
  bufLiteral(b, "[^");
  for (let i = 0; i < delimN; i++) putHexRune(b, load<i32>(delims + (<usize>i << 2)));
  bufByte(b, 0x5d);
}

/** Translates glob bytes [p, end) into regex syntax in b; returns false on a malformed glob. */
function translate(b: usize, p: usize, end: usize): bool {
  let depth = 0;
  let q = p;
  while (q < end) {
    const c = <i32>load<u8>(q);
    if (c == 0x2a) {
      if (q + 1 < end && load<u8>(q + 1) == 0x2a) {
        bufLiteral(b, "(?s:.*)");
        q += 2;
        while (q < end && load<u8>(q) == 0x2a) q++;
      } else {
        if (delimN == 0) bufLiteral(b, "(?s:.*)");
        else { bufByte(b, 0x28); bufLiteral(b, "?:"); putNotDelim(b); bufLiteral(b, ")*"); }
        q++;
      }
      continue;
    }
    if (c == 0x3f) { putNotDelim(b); q++; continue; }
    if (c == 0x5b) {
      q++;
      bufByte(b, 0x5b);
      if (q < end && load<u8>(q) == 0x21) { bufByte(b, 0x5e); q++; }
      let items = 0;
      while (q < end && load<u8>(q) != 0x5d) {
        let lo: i32;
        if (load<u8>(q) == 0x5c && q + 1 < end) q++;
        lo = decodeRune(q, end);
        q += <usize>runeWidth;
        putHexRune(b, lo);
        if (q + 1 < end && load<u8>(q) == 0x2d && load<u8>(q + 1) != 0x5d) {
          q++;
          if (load<u8>(q) == 0x5c && q + 1 < end) q++;
          const hi = decodeRune(q, end);
          q += <usize>runeWidth;
          if (hi < lo) return false;
          bufByte(b, 0x2d);
          putHexRune(b, hi);
        }
        items++;
      }
      if (q >= end || items == 0) return false;
      bufByte(b, 0x5d);
      q++;
      continue;
    }
    if (c == 0x7b) { bufLiteral(b, "(?:"); depth++; q++; continue; }
    if (c == 0x7d && depth > 0) { bufByte(b, 0x29); depth--; q++; continue; }
    if (c == 0x2c && depth > 0) { bufByte(b, 0x7c); q++; continue; }
    if (c == 0x5c) {
      q++;
      if (q >= end) break; // gobwas drops a trailing escape
    }
    const r = decodeRune(q, end);
    q += <usize>runeWidth;
    putHexRune(b, r);
  }
  return depth == 0;
}

export function b_glob_match(pattern: usize, delimiters: usize, match: usize): usize {
  if (!isString(pattern)) return typeError('glob.match', 1, 'string', pattern);
  if (!isString(match)) return typeError('glob.match', 3, 'string', match);
  if (delimiters == 0) return 0;
  // the result is a static boolean: give back everything the translation and the VM allocated
  const mark = heapGet();
  const r = globMatch(pattern, delimiters, match);
  heapSet(mark);
  return r < 0 ? 0 : makeBool(r == 1);
}

/** 1 match, 0 no match, -1 invalid arguments or pattern. */
function globMatch(pattern: usize, delimiters: usize, match: usize): i32 {
  const t = vtype(delimiters);
  if (t == TYPE_NULL) {
    delimN = 0;
  } else if (t == TYPE_ARRAY) {
    const n = arrLen(delimiters);
    delims = bufData(bufNew((n + 1) * 4));
    delimN = 0;
    for (let i = 0; i < n; i++) {
      const d = arrGet(delimiters, i);
      if (!isString(d)) return -1;
      // each delimiter is one character (OPA's RuneSliceOperand)
      const dp = strPtr(d), dl = strLen(d);
      if (runeCount(dp, dl) != 1) return -1;
      store<i32>(delims + (<usize>delimN << 2), decodeRune(dp, dp + <usize>dl));
      delimN++;
    }
    if (delimN == 0) { store<i32>(delims, 0x2e); delimN = 1; }
  } else {
    return -1;
  }
  const b = bufNew(strLen(pattern) * 8 + 16);
  bufLiteral(b, "^(?:");
  if (!translate(b, strPtr(pattern), strPtr(pattern) + <usize>strLen(pattern))) return -1;
  bufLiteral(b, ")$");
  const re = reCompile(bufData(b), bufLen(b));
  if (re == 0) return -1;
  const m = reExec(re, strPtr(match), strLen(match), 0, true);
  if (reStatus < 0) return -1;
  return m ? 1 : 0;
}

/** glob.quote_meta: escapes the glob metacharacters * ? \ [ ] { } with a backslash. */
export function b_glob_quote_meta(pattern: usize): usize {
  if (!isString(pattern)) return typeError('glob.quote_meta', 1, 'string', pattern);
  const p = strPtr(pattern), n = strLen(pattern);
  const b = bufNew(n * 2);
  for (let i = 0; i < n; i++) {
    const c = load<u8>(p + <usize>i);
    if (c == 0x2a || c == 0x3f || c == 0x5c || c == 0x5b || c == 0x5d || c == 0x7b || c == 0x7d) bufByte(b, 0x5c);
    bufByte(b, c);
  }
  return bufToString(b);
}
