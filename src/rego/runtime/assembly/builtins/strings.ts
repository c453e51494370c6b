// String builtins (OPA topdown/strings.go): byte-exact on UTF-8, code points where OPA counts runes.

import {
  vtype, TYPE_ARRAY, TYPE_SET, TYPE_OBJECT, TYPE_STRING,
  makeBool, makeInt, makeString, strLen, strPtr, makeArray, arrLen, arrGet, arrAppend,
  setLen, setAt, objLen, objKeyAt, objValAt,
} from "../value";
import { malloc } from "../memory";
import { bufNew, bufBytes, bufToString } from "../buf";
import { isString, intArg, intArgValue, bytesEqual, indexOfBytes, allOccurrences, putRune } from "./lib/text";
import { decodeRune, decodeLastRune, runeWidth, isASCII, runeOffset, isSpace, toLower, toUpper } from "./lib/utf8";
import { builtinFail, elementTypeError, operandFail, typeError } from "../error";

// ---- concat -------------------------------------------------------------------------------------

export function b_concat(delim: usize, coll: usize): usize {
  if (!isString(delim)) return typeError('concat', 1, 'string', delim);
  if (coll == 0) return 0;
  const t = vtype(coll);
  let n: i32;
  if (t == TYPE_ARRAY) n = arrLen(coll);
  else if (t == TYPE_SET) n = setLen(coll);
  else return typeError('concat', 2, 'one of {set, array}', coll);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const e = t == TYPE_ARRAY ? arrGet(coll, i) : setAt(coll, i);
    if (!isString(e)) return elementTypeError('concat', 2, t == TYPE_ARRAY ? 'array' : 'set', 'string', e);
    total += strLen(e);
  }
  if (n == 1) return t == TYPE_ARRAY ? arrGet(coll, 0) : setAt(coll, 0);
  const dl = strLen(delim);
  if (n > 1) total += dl * (n - 1);
  const b = bufNew(total);
  for (let i = 0; i < n; i++) {
    const e = t == TYPE_ARRAY ? arrGet(coll, i) : setAt(coll, i);
    if (i > 0) bufBytes(b, strPtr(delim), dl);
    bufBytes(b, strPtr(e), strLen(e));
  }
  return bufToString(b);
}

// ---- predicates ---------------------------------------------------------------------------------

export function b_contains(s: usize, sub: usize): usize {
  if (!isString(s)) return typeError('contains', 1, 'string', s);
  if (!isString(sub)) return typeError('contains', 2, 'string', sub);
  return makeBool(indexOfBytes(strPtr(s), strLen(s), strPtr(sub), strLen(sub), 0) >= 0);
}

export function b_startswith(s: usize, pre: usize): usize {
  if (!isString(s)) return typeError('startswith', 1, 'string', s);
  if (!isString(pre)) return typeError('startswith', 2, 'string', pre);
  const n = strLen(pre);
  return makeBool(n <= strLen(s) && bytesEqual(strPtr(s), strPtr(pre), n));
}

export function b_endswith(s: usize, suf: usize): usize {
  if (!isString(s)) return typeError('endswith', 1, 'string', s);
  if (!isString(suf)) return typeError('endswith', 2, 'string', suf);
  const n = strLen(suf);
  const sl = strLen(s);
  return makeBool(n <= sl && bytesEqual(strPtr(s) + <usize>(sl - n), strPtr(suf), n));
}

/** strings.count: non-overlapping occurrences (Go strings.Count; "" counts runes + 1). */
export function b_strings_count(s: usize, sub: usize): usize {
  if (!isString(s)) return typeError('strings.count', 1, 'string', s);
  if (!isString(sub)) return typeError('strings.count', 2, 'string', sub);
  const p = strPtr(s), n = strLen(s), q = strPtr(sub), m = strLen(sub);
  if (m == 0) return makeInt(<i64>runeOffsetCount(p, n) + 1);
  let c = 0;
  let i = indexOfBytes(p, n, q, m, 0);
  while (i >= 0) { c++; i = indexOfBytes(p, n, q, m, i + m); }
  return makeInt(c);
}

function runeOffsetCount(p: usize, n: i32): i32 {
  const end = p + <usize>n;
  let q = p, c = 0;
  while (q < end) { decodeRune(q, end); q += <usize>runeWidth; c++; }
  return c;
}

function prefixArgs(v: usize, name: string, operand: i32): usize {
  // string → 1-element view; array/set of strings → itself; otherwise OPA's operand error (0)
  if (v == 0) return 0;
  const t = vtype(v);
  if (t == TYPE_STRING) { const a = makeArray(1); arrAppend(a, v); return a; }
  if (t != TYPE_ARRAY && t != TYPE_SET) return typeError(name, operand, 'one of {string, set, array}', v);
  const n = t == TYPE_ARRAY ? arrLen(v) : setLen(v);
  const a = makeArray(n);
  for (let i = 0; i < n; i++) {
    const e = t == TYPE_ARRAY ? arrGet(v, i) : setAt(v, i);
    if (!isString(e)) return elementTypeError(name, operand, t == TYPE_ARRAY ? 'array' : 'set', 'string', e);
    arrAppend(a, e);
  }
  return a;
}

function anyAffix(a: usize, b: usize, suffix: bool): usize {
  const name = suffix ? 'strings.any_suffix_match' : 'strings.any_prefix_match';
  const strs = prefixArgs(a, name, 1);
  if (strs == 0) return 0;
  const pres = prefixArgs(b, name, 2);
  if (pres == 0) return 0;
  for (let i = 0; i < arrLen(strs); i++) {
    const s = arrGet(strs, i);
    for (let j = 0; j < arrLen(pres); j++) {
      const p = arrGet(pres, j);
      const n = strLen(p), sl = strLen(s);
      if (n > sl) continue;
      const at = suffix ? strPtr(s) + <usize>(sl - n) : strPtr(s);
      if (bytesEqual(at, strPtr(p), n)) return makeBool(true);
    }
  }
  return makeBool(false);
}

export function b_strings_any_prefix_match(a: usize, b: usize): usize { return anyAffix(a, b, false); }
export function b_strings_any_suffix_match(a: usize, b: usize): usize { return anyAffix(a, b, true); }

// ---- case ---------------------------------------------------------------------------------------

function mapCase(s: usize, upper: bool): usize {
  if (!isString(s)) return typeError(upper ? 'upper' : 'lower', 1, 'string', s);
  const p = strPtr(s), n = strLen(s);
  if (isASCII(p, n)) {
    let changed = false;
    for (let i = 0; i < n; i++) {
      const c = load<u8>(p + <usize>i);
      if (upper ? (c >= 0x61 && c <= 0x7a) : (c >= 0x41 && c <= 0x5a)) { changed = true; break; }
    }
    if (!changed) return s;
    const o = malloc(<usize>n);
    for (let i = 0; i < n; i++) {
      let c = load<u8>(p + <usize>i);
      if (upper) { if (c >= 0x61 && c <= 0x7a) c -= 32; } else if (c >= 0x41 && c <= 0x5a) c += 32;
      store<u8>(o + <usize>i, c);
    }
    return makeString(o, n);
  }
  const b = bufNew(n + 8);
  const end = p + <usize>n;
  let q = p;
  while (q < end) {
    const r = decodeRune(q, end);
    q += <usize>runeWidth;
    putRune(b, upper ? toUpper(r) : toLower(r));
  }
  return bufToString(b);
}

export function b_lower(s: usize): usize { return mapCase(s, false); }
export function b_upper(s: usize): usize { return mapCase(s, true); }

// ---- split / replace ----------------------------------------------------------------------------

export function b_split(s: usize, d: usize): usize {
  if (!isString(s)) return typeError('split', 1, 'string', s);
  if (!isString(d)) return typeError('split', 2, 'string', d);
  const p = strPtr(s), n = strLen(s), q = strPtr(d), m = strLen(d);
  const out = makeArray(4);
  if (m == 0) {
    // Go explodes into UTF-8 sequences (invalid bytes one by one)
    const end = p + <usize>n;
    let at = p;
    while (at < end) {
      decodeRune(at, end);
      arrAppend(out, makeString(at, runeWidth));
      at += <usize>runeWidth;
    }
    return out;
  }
  let start = 0;
  let i = indexOfBytes(p, n, q, m, 0);
  if (i < 0) { arrAppend(out, s); return out; }
  while (i >= 0) {
    arrAppend(out, makeString(p + <usize>start, i - start));
    start = i + m;
    i = indexOfBytes(p, n, q, m, start);
  }
  arrAppend(out, makeString(p + <usize>start, n - start));
  return out;
}

/**
 * Go's strings.Replacer (generic algorithm): at each byte position the first pair, in order, whose old
 * string is a prefix there wins; an empty old string matches everywhere, but not twice in a row.
 * pairs: array of (oldPtr, oldLen, newPtr, newLen) quads, count k.
 */
function replaceGeneric(s: usize, pairs: usize, k: i32): usize {
  const p = strPtr(s), n = strLen(s);
  if (k == 1 && load<i32>(pairs, 4) > 0) return replaceAll(s, pairs);
  const b = bufNew(n + 16);
  let last = 0;
  let prevEmpty = false;
  let changed = false;
  let i = 0;
  while (i <= n) {
    let hit = -1;
    for (let j = 0; j < k; j++) {
      const e = pairs + <usize>j * 16;
      const ol = load<i32>(e, 4);
      if (ol == 0 && prevEmpty) continue;
      if (ol <= n - i && bytesEqual(p + <usize>i, load<usize>(e), ol)) { hit = j; break; }
    }
    if (hit >= 0) {
      const e = pairs + <usize>hit * 16;
      const ol = load<i32>(e, 4);
      prevEmpty = ol == 0;
      bufBytes(b, p + <usize>last, i - last);
      bufBytes(b, load<usize>(e, 8), load<i32>(e, 12));
      changed = true;
      i += ol;
      last = i;
      continue;
    }
    prevEmpty = false;
    i++;
  }
  if (!changed) return s;
  if (last < n) bufBytes(b, p + <usize>last, n - last);
  return bufToString(b);
}

/** One non-empty old string: leftmost non-overlapping occurrences, found in linear time. */
function replaceAll(s: usize, pair: usize): usize {
  const p = strPtr(s), n = strLen(s);
  const op = load<usize>(pair), ol = load<i32>(pair, 4), np = load<usize>(pair, 8), nl = load<i32>(pair, 12);
  let i = indexOfBytes(p, n, op, ol, 0);
  if (i < 0) return s;
  const b = bufNew(n + 16);
  let last = 0;
  while (i >= 0) {
    bufBytes(b, p + <usize>last, i - last);
    bufBytes(b, np, nl);
    last = i + ol;
    i = indexOfBytes(p, n, op, ol, last);
  }
  bufBytes(b, p + <usize>last, n - last);
  return bufToString(b);
}

export function b_replace(s: usize, old: usize, nw: usize): usize {
  if (!isString(s)) return typeError('replace', 1, 'string', s);
  if (!isString(old)) return typeError('replace', 2, 'string', old);
  if (!isString(nw)) return typeError('replace', 3, 'string', nw);
  const pairs = malloc(16);
  store<usize>(pairs, strPtr(old));
  store<i32>(pairs, strLen(old), 4);
  store<usize>(pairs, strPtr(nw), 8);
  store<i32>(pairs, strLen(nw), 12);
  return replaceGeneric(s, pairs, 1);
}

export function b_strings_replace_n(patterns: usize, s: usize): usize {
  if (!isString(s)) return typeError('strings.replace_n', 2, 'string', s);
  if (patterns == 0 || vtype(patterns) != TYPE_OBJECT) return typeError('strings.replace_n', 1, 'object', patterns);
  const k = objLen(patterns);
  const pairs = malloc(<usize>max<i32>(k, 1) * 16);
  for (let i = 0; i < k; i++) {
    // object entries are in key order, as OPA sorts the keys
    const key = objKeyAt(patterns, i), val = objValAt(patterns, i);
    if (!isString(key)) return operandFail('strings.replace_n', 1, 'non-string key found in pattern object');
    if (!isString(val)) return operandFail('strings.replace_n', 1, 'non-string value found in pattern object');
    const e = pairs + <usize>i * 16;
    store<usize>(e, strPtr(key));
    store<i32>(e, strLen(key), 4);
    store<usize>(e, strPtr(val), 8);
    store<i32>(e, strLen(val), 12);
  }
  return replaceGeneric(s, pairs, k);
}

// ---- trim ---------------------------------------------------------------------------------------

function inCutset(r: i32, cut: usize, cn: i32): bool {
  const end = cut + <usize>cn;
  let q = cut;
  while (q < end) {
    const c = decodeRune(q, end);
    q += <usize>runeWidth;
    if (c == r) return true;
  }
  return false;
}

function trimRunes(s: usize, c: usize, left: bool, right: bool): usize {
  const name = left && right ? 'trim' : left ? 'trim_left' : 'trim_right';
  if (!isString(s)) return typeError(name, 1, 'string', s);
  if (!isString(c)) return typeError(name, 2, 'string', c);
  const p = strPtr(s), n = strLen(s), cp = strPtr(c), cn = strLen(c);
  if (cn == 0) return s;
  let a = p, z = p + <usize>n;
  if (left) {
    while (a < z) {
      const r = decodeRune(a, z);
      if (!inCutset(r, cp, cn)) break;
      a += <usize>runeWidth;
    }
  }
  if (right) {
    while (z > a) {
      const r = decodeLastRune(a, z);
      if (!inCutset(r, cp, cn)) break;
      z -= <usize>runeWidth;
    }
  }
  if (a == p && z == p + <usize>n) return s;
  return makeString(a, <i32>(z - a));
}

export function b_trim(s: usize, c: usize): usize { return trimRunes(s, c, true, true); }
export function b_trim_left(s: usize, c: usize): usize { return trimRunes(s, c, true, false); }
export function b_trim_right(s: usize, c: usize): usize { return trimRunes(s, c, false, true); }

export function b_trim_prefix(s: usize, pre: usize): usize {
  if (!isString(s)) return typeError('trim_prefix', 1, 'string', s);
  if (!isString(pre)) return typeError('trim_prefix', 2, 'string', pre);
  const n = strLen(pre);
  if (n > strLen(s) || !bytesEqual(strPtr(s), strPtr(pre), n) || n == 0) return s;
  return makeString(strPtr(s) + <usize>n, strLen(s) - n);
}

export function b_trim_suffix(s: usize, suf: usize): usize {
  if (!isString(s)) return typeError('trim_suffix', 1, 'string', s);
  if (!isString(suf)) return typeError('trim_suffix', 2, 'string', suf);
  const n = strLen(suf), sl = strLen(s);
  if (n > sl || n == 0 || !bytesEqual(strPtr(s) + <usize>(sl - n), strPtr(suf), n)) return s;
  return makeString(strPtr(s), sl - n);
}

export function b_trim_space(s: usize): usize {
  if (!isString(s)) return typeError('trim_space', 1, 'string', s);
  const p = strPtr(s), n = strLen(s);
  let a = p, z = p + <usize>n;
  while (a < z) { const r = decodeRune(a, z); if (!isSpace(r)) break; a += <usize>runeWidth; }
  while (z > a) { const r = decodeLastRune(a, z); if (!isSpace(r)) break; z -= <usize>runeWidth; }
  if (a == p && z == p + <usize>n) return s;
  return makeString(a, <i32>(z - a));
}

// ---- positions (code points) --------------------------------------------------------------------

export function b_substring(s: usize, off: usize, len: usize): usize {
  if (!isString(s)) return typeError('substring', 1, 'string', s);
  if (!intArg(off)) return 0;
  const start = intArgValue;
  if (!intArg(len)) return 0;
  const length = intArgValue;
  if (start < 0) return builtinFail('substring', 'negative offset');
  const p = strPtr(s), n = strLen(s);
  if (n == 0) return s;
  if (start >= <i64>n) return makeString(p, 0);
  const a = runeOffset(p, n, <i32>start);
  if (a >= n) return makeString(p, 0);
  if (length < 0) return a == 0 ? s : makeString(p + <usize>a, n - a);
  const upto = length > <i64>n ? n : <i32>length;
  const z = a + runeOffset(p + <usize>a, n - a, upto);
  if (a == 0 && z == n) return s;
  return makeString(p + <usize>a, z - a);
}

function runeIndexOf(p: usize, n: i32, q: usize, m: i32, fromByte: i32): i32 {
  return indexOfBytes(p, n, q, m, fromByte);
}

/** Rune index of byte offset b. */
function runeIndexAt(p: usize, b: i32): i32 {
  const end = p + <usize>b;
  let q = p, c = 0;
  while (q < end) { decodeRune(q, end); q += <usize>runeWidth; c++; }
  return c;
}

export function b_indexof(s: usize, sub: usize): usize {
  if (!isString(s)) return typeError('indexof', 1, 'string', s);
  if (!isString(sub)) return typeError('indexof', 2, 'string', sub);
  if (strLen(sub) == 0) return builtinFail('indexof', 'empty search character');
  const p = strPtr(s);
  const i = runeIndexOf(p, strLen(s), strPtr(sub), strLen(sub), 0);
  return makeInt(i < 0 ? -1 : runeIndexAt(p, i));
}

export function b_indexof_n(s: usize, sub: usize): usize {
  if (!isString(s)) return typeError('indexof_n', 1, 'string', s);
  if (!isString(sub)) return typeError('indexof_n', 2, 'string', sub);
  if (strLen(sub) == 0) return builtinFail('indexof_n', 'empty search character');
  const p = strPtr(s);
  // overlapping matches; a match of valid UTF-8 starts on a rune, so byte offsets convert to rune indexes
  const hits = allOccurrences(p, strLen(s), strPtr(sub), strLen(sub));
  const count = load<i32>(hits);
  const out = makeArray(count);
  let lastByte = 0, lastRune = 0;
  for (let k = 1; k <= count; k++) {
    const i = load<i32>(hits + (<usize>k << 2));
    lastRune += runeIndexAt(p + <usize>lastByte, i - lastByte);
    lastByte = i;
    arrAppend(out, makeInt(lastRune));
  }
  return out;
}

export function b_strings_reverse(s: usize): usize {
  if (!isString(s)) return typeError('strings.reverse', 1, 'string', s);
  const p = strPtr(s), n = strLen(s);
  const o = malloc(<usize>max<i32>(n, 1));
  const end = p + <usize>n;
  let q = p;
  let w = n;
  while (q < end) {
    decodeRune(q, end);
    const rw = runeWidth;
    w -= rw;
    memory.copy(o + <usize>w, q, <usize>rw);
    q += <usize>rw;
  }
  return makeString(o, n);
}
