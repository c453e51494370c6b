// Rego values in linear memory: representation, constructors, accessors, collections, OPA's total order.
//
// API (AssemblyScript; import from "../value" in builtins). A value is a `usize` pointer, 0 = undefined.
// Byte 0 is the type tag (OPA's numbering): TYPE_NULL 1, TYPE_BOOLEAN 2, TYPE_NUMBER 3, TYPE_STRING 4,
// TYPE_ARRAY 5, TYPE_OBJECT 6, TYPE_SET 7. Values are immutable once shared; only a collection you just
// made (or copied) may be mutated.
//
//   vtype(v): u8                                   tag
//   makeNull(), makeBool(b: bool), boolValue(v): bool
//   numbers: makeInt(i64), makeFloat(f64), makeNumberText(ptr, len) (from literal/JSON text, 0 if invalid)
//            numIsInt(v) (stored as exact i64), numIsIntegral(v) (int, or float with integral value
//            within i64), numInt(v): i64 (truncates floats), numFloat(v): f64,
//            numTryInt(v): bool then numLastInt: i64 — exact integer view, false for 1.5 or huge
//   strings: UTF-8 bytes, not NUL-terminated. makeString(ptr, len) (no copy: bytes must outlive the value),
//            makeStringCopy(ptr, len), strFromLiteral("abc") (copies an AS literal as UTF-8),
//            strLen(v): i32 (bytes), strPtr(v): usize, strEqualsLiteral(v, "abc"): bool
//   arrays:  makeArray(cap), arrLen(a), arrGet(a, i) (no bounds check), arrSet(a, i, v), arrAppend(a, v)
//   objects: makeObject(), objLen(o), objGet(o, k): v|0, objInsert(o, k, v) (replaces), objRemove(o, k),
//            objKeyAt(o, i), objValAt(o, i) — entries are kept sorted by key (OPA order), so index
//            iteration visits keys in sorted order, as OPA's Go evaluator does.
//   sets:    makeSet(), setLen(s), setAdd(s, v), setContains(s, v): bool, setAt(s, i) (sorted order)
//   generic: valueLength(v): i32 (-1 for scalars; strings: code points), valueGet(coll, key): v|0,
//            compare(a, b): i32 (OPA order null < bool < number < string < array < object < set),
//            equal(a, b): bool, copyValue(v) (deep copy of collections), shallowCopy(v)
//   JSON (json.ts): jsonParse(ptr, len): v|0, valueParse(ptr, len): v|0 (Rego literal syntax, sets),
//            jsonDump(v): ptr to NUL-terminated UTF-8, valueDump(v) (Rego syntax),
//            jsonDumpTo(buf, v) to append into a Buf (buf.ts)
//   byte builder (buf.ts): bufNew(cap), bufByte(b, c), bufBytes(b, ptr, len), bufLiteral(b, "x"),
//            bufToString(b): string value
//   errors (error.ts): runtimeError(code, msg) / builtinError(name, msg) with AS string literals — abort
//            the evaluation via env.opa_abort ("<code>: <msg>"); typeError(name, n, "array", got) and
//            builtinFail(name, msg) return 0 (undefined) unless strict_builtin_errors is set, then abort
//            (eval_type_error / eval_builtin_error). No AS strings built at run time: no concatenation,
//            no toString (they would allocate outside our heap; the build rejects it).
//   memory (memory.ts): malloc(size), calloc(size), realloc(p, old, new)
//
// Layouts (private to the runtime; builtins use the functions above):
//   null    [tag]                       bool [tag, b]
//   number  [tag, kind(0 int, 1 float), _, _, textLen:i32] [i64|f64 @8] [textPtr @16]
//   string  [tag, _, _, _, len:i32 @4, ptr @8]
//   array   [tag, _, _, _, len @4, cap @8, elems @12]      elems: usize[cap]
//   object  [tag, _, _, _, len @4, cap @8, entries @12]    entries: (key, value)[cap], sorted by key
//   set     [tag, _, _, _, len @4, cap @8, elems @12]      elems sorted

import { malloc, realloc } from './memory';

export const TYPE_NULL: u8 = 1;
export const TYPE_BOOLEAN: u8 = 2;
export const TYPE_NUMBER: u8 = 3;
export const TYPE_STRING: u8 = 4;
export const TYPE_ARRAY: u8 = 5;
export const TYPE_OBJECT: u8 = 6;
export const TYPE_SET: u8 = 7;

export const NUM_INT: u8 = 0;
export const NUM_FLOAT: u8 = 1;

const NULL_V: usize = memory.data<u8>([1, 0, 0, 0, 0, 0, 0, 0]);
const FALSE_V: usize = memory.data<u8>([2, 0, 0, 0, 0, 0, 0, 0]);
const TRUE_V: usize = memory.data<u8>([2, 1, 0, 0, 0, 0, 0, 0]);

// ---- scalars ----

@inline export function vtype(v: usize): u8 {
  return load<u8>(v);
}

export function makeNull(): usize {
  return NULL_V;
}

export function makeBool(b: bool): usize {
  return b ? TRUE_V : FALSE_V;
}

@inline export function boolValue(v: usize): bool {
  return load<u8>(v, 1) != 0;
}

// Numbers 0..255 (array indices, counts) are shared static values, filled on first use: they live below
// the heap, so they survive the host's heap resets.
const SMALL_INTS: usize = memory.data(256 * 16, 16);
let smallIntsReady = false;

function fillSmallInts(): void {
  for (let i = 0; i < 256; i++) {
    const v = SMALL_INTS + (<usize>i << 4);
    store<u32>(v, TYPE_NUMBER);
    store<u32>(v, 0, 4);
    store<i64>(v, i, 8);
  }
  smallIntsReady = true;
}

export function makeInt(i: i64): usize {
  if (<u64>i < 256) {
    if (!smallIntsReady) fillSmallInts();
    return SMALL_INTS + (<usize>i << 4);
  }
  const v = malloc(16);
  store<u32>(v, TYPE_NUMBER);
  store<i64>(v, i, 8);
  return v;
}

export function makeFloat(f: f64): usize {
  const v = malloc(24);
  store<u32>(v, TYPE_NUMBER | (<u32>NUM_FLOAT << 8));
  store<i32>(v, 0, 4);
  store<f64>(v, f, 8);
  store<usize>(v, 0, 16);
  return v;
}

/** A float that remembers its source text (dumped verbatim: keeps big integers and literals exact). */
export function makeFloatText(f: f64, ptr: usize, len: i32): usize {
  const v = malloc(24);
  store<u32>(v, TYPE_NUMBER | (<u32>NUM_FLOAT << 8));
  store<i32>(v, len, 4);
  store<f64>(v, f, 8);
  store<usize>(v, ptr, 16);
  return v;
}

@inline export function numIsInt(v: usize): bool {
  return load<u8>(v, 1) == NUM_INT;
}

export function numInt(v: usize): i64 {
  if (load<u8>(v, 1) == NUM_INT) return load<i64>(v, 8);
  return <i64>load<f64>(v, 8);
}

export function numFloat(v: usize): f64 {
  if (load<u8>(v, 1) == NUM_INT) return <f64>load<i64>(v, 8);
  return load<f64>(v, 8);
}

/** Text of a float number kept from its literal (0 if none); length via numTextLen. */
export function numTextPtr(v: usize): usize {
  return load<u8>(v, 1) == NUM_INT ? 0 : load<usize>(v, 16);
}

export function numTextLen(v: usize): i32 {
  return load<u8>(v, 1) == NUM_INT ? 0 : load<i32>(v, 4);
}

export let numLastInt: i64 = 0;

/** True if the number is an exact integer representable as i64; the integer is left in numLastInt. */
export function numTryInt(v: usize): bool {
  if (load<u8>(v, 1) == NUM_INT) {
    numLastInt = load<i64>(v, 8);
    return true;
  }
  const f = load<f64>(v, 8);
  if (f == Math.floor(f) && f >= -9.2233720368547758e18 && f < 9.2233720368547758e18) {
    numLastInt = <i64>f;
    return true;
  }
  return false;
}

export function numIsIntegral(v: usize): bool {
  return numTryInt(v);
}

// ---- number text parsing ----

const POW10: StaticArray<f64> = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
  1e19, 1e20, 1e21, 1e22,
];

function pow10(e: i32): f64 {
  if (e >= 0 && e <= 22) return unchecked(POW10[e]);
  return Math.pow(10, <f64>e);
}

/** Length of a JSON number at ptr (0 if none). */
export function scanNumber(ptr: usize, end: usize): usize {
  let p = ptr;
  if (p < end && load<u8>(p) == 0x2d) p++;
  if (p >= end) return 0;
  let c = load<u8>(p);
  if (c == 0x30) p++;
  else if (c >= 0x31 && c <= 0x39) {
    p++;
    while (p < end && <u32>(load<u8>(p) - 0x30) < 10) p++;
  } else return 0;
  if (p < end && load<u8>(p) == 0x2e) {
    p++;
    const s = p;
    while (p < end && <u32>(load<u8>(p) - 0x30) < 10) p++;
    if (p == s) return 0;
  }
  if (p < end && (load<u8>(p) | 0x20) == 0x65) {
    p++;
    if (p < end && (load<u8>(p) == 0x2b || load<u8>(p) == 0x2d)) p++;
    const s = p;
    while (p < end && <u32>(load<u8>(p) - 0x30) < 10) p++;
    if (p == s) return 0;
  }
  return p - ptr;
}

/** Number value from already-validated JSON number text. */
export function numberFromText(ptr: usize, len: usize): usize {
  const end = ptr + len;
  let p = ptr;
  let neg = false;
  if (load<u8>(p) == 0x2d) {
    neg = true;
    p++;
  }
  let mant: u64 = 0;
  let digits = 0;
  let exp10: i32 = 0;
  let c: u32 = 0;
  // integer part
  while (p < end && (c = <u32>load<u8>(p) - 0x30) < 10) {
    if (digits < 19) {
      mant = mant * 10 + c;
      if (mant != 0) digits++;
    } else exp10++;
    p++;
  }
  if (p == end && exp10 == 0) {
    if (!neg && mant <= <u64>i64.MAX_VALUE) return makeInt(<i64>mant);
    if (neg && mant <= <u64>i64.MAX_VALUE + 1) return makeInt(-<i64>mant);
  }
  let isInt = true;
  if (p < end && load<u8>(p) == 0x2e) {
    p++;
    while (p < end && (c = <u32>load<u8>(p) - 0x30) < 10) {
      if (digits < 19) {
        mant = mant * 10 + c;
        if (mant != 0) digits++;
        exp10--;
      }
      if (c != 0) isInt = false;
      p++;
    }
  }
  if (p < end) {
    p++; // e/E
    let eneg = false;
    if (load<u8>(p) == 0x2d) {
      eneg = true;
      p++;
    } else if (load<u8>(p) == 0x2b) p++;
    let e: i32 = 0;
    while (p < end) {
      if (e < 100000) e = e * 10 + <i32>(load<u8>(p) - 0x30);
      p++;
    }
    exp10 += eneg ? -e : e;
  }
  let f: f64;
  if (mant == 0) f = 0;
  else if (mant < (<u64>1 << 53) && exp10 >= -22 && exp10 <= 22) {
    f = exp10 >= 0 ? <f64>mant * unchecked(POW10[exp10]) : <f64>mant / unchecked(POW10[-exp10]);
  } else if (exp10 < -300) {
    f = (<f64>mant * pow10(exp10 + 300)) / 1e300;
  } else f = <f64>mant * pow10(exp10);
  if (neg) f = -f;
  // Integral values that fit i64 (e.g. "1.0", "1e3") are ints, as OPA's numbers compare by value anyway.
  if (isInt && f == Math.floor(f) && Math.abs(f) < 9.007199254740992e15) return makeInt(<i64>f);
  return makeFloatText(f, ptr, <i32>len);
}

/** Number from literal text; 0 if the text is not a JSON number. */
export function makeNumberText(ptr: usize, len: usize): usize {
  if (len == 0 || scanNumber(ptr, ptr + len) != len) return 0;
  return numberFromText(ptr, len);
}

// ---- strings ----

export function makeString(ptr: usize, len: i32): usize {
  const v = malloc(16);
  store<u32>(v, TYPE_STRING);
  store<i32>(v, len, 4);
  store<usize>(v, ptr, 8);
  return v;
}

export function makeStringCopy(ptr: usize, len: i32): usize {
  const b = malloc(<usize>len);
  memory.copy(b, ptr, <usize>len);
  return makeString(b, len);
}

@inline export function strLen(v: usize): i32 {
  return load<i32>(v, 4);
}

@inline export function strPtr(v: usize): usize {
  return load<usize>(v, 8);
}

/** UTF-8 bytes of an AS string (UTF-16) into fresh memory; returns byte length via lastLiteralLen. */
export let lastLiteralLen: i32 = 0;

export function literalToUtf8(s: string, nulTerminate: bool): usize {
  const n = s.length;
  const out = malloc(<usize>n * 3 + 1);
  const src = changetype<usize>(s);
  let o = out;
  for (let i = 0; i < n; i++) {
    let c = <u32>load<u16>(src + (<usize>i << 1));
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
      const d = <u32>load<u16>(src + (<usize>(i + 1) << 1));
      if (d >= 0xdc00 && d < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    o = putUtf8(o, c);
  }
  if (nulTerminate) store<u8>(o, 0);
  lastLiteralLen = <i32>(o - out);
  return out;
}

/** Writes code point c as UTF-8 at o; returns the position after it. */
export function putUtf8(o: usize, c: u32): usize {
  if (c < 0x80) {
    store<u8>(o, <u8>c);
    return o + 1;
  }
  if (c < 0x800) {
    store<u8>(o, <u8>(0xc0 | (c >> 6)));
    store<u8>(o, <u8>(0x80 | (c & 0x3f)), 1);
    return o + 2;
  }
  if (c < 0x10000) {
    store<u8>(o, <u8>(0xe0 | (c >> 12)));
    store<u8>(o, <u8>(0x80 | ((c >> 6) & 0x3f)), 1);
    store<u8>(o, <u8>(0x80 | (c & 0x3f)), 2);
    return o + 3;
  }
  store<u8>(o, <u8>(0xf0 | (c >> 18)));
  store<u8>(o, <u8>(0x80 | ((c >> 12) & 0x3f)), 1);
  store<u8>(o, <u8>(0x80 | ((c >> 6) & 0x3f)), 2);
  store<u8>(o, <u8>(0x80 | (c & 0x3f)), 3);
  return o + 4;
}

export function strFromLiteral(s: string): usize {
  const p = literalToUtf8(s, false);
  return makeString(p, lastLiteralLen);
}

export function strEqualsLiteral(v: usize, s: string): bool {
  if (v == 0 || load<u8>(v) != TYPE_STRING) return false;
  const n = s.length;
  if (load<i32>(v, 4) != n) return false; // ASCII literals only
  const p = load<usize>(v, 8);
  const src = changetype<usize>(s);
  for (let i = 0; i < n; i++) {
    if (<u32>load<u8>(p + i) != <u32>load<u16>(src + (<usize>i << 1))) return false;
  }
  return true;
}

/** Length in bytes of the valid UTF-8 sequence at p (1..4), or 0 if the bytes there are not valid
 *  UTF-8 (Go's rules: no overlongs, no surrogates, at most U+10FFFF). */
export function utf8SeqLen(p: usize, end: usize): i32 {
  const c = <u32>load<u8>(p);
  if (c < 0x80) return 1;
  let n: i32;
  let lo: u32 = 0x80;
  let hi: u32 = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) n = 2;
  else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c == 0xe0) lo = 0xa0;
    else if (c == 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c == 0xf0) lo = 0x90;
    else if (c == 0xf4) hi = 0x8f;
  } else return 0;
  if (p + <usize>n > end) return 0;
  const c1 = <u32>load<u8>(p + 1);
  if (c1 < lo || c1 > hi) return 0;
  for (let i = 2; i < n; i++) {
    const cx = <u32>load<u8>(p + <usize>i);
    if (cx < 0x80 || cx > 0xbf) return 0;
  }
  return n;
}

/** Number of code points in UTF-8 bytes; each invalid byte counts as one (Go's utf8.RuneCount). */
export function utf8Count(p: usize, len: i32): i32 {
  let n = 0;
  const end = p + <usize>len;
  while (p < end) {
    if (load<u8>(p) < 0x80) p++;
    else {
      const k = utf8SeqLen(p, end);
      p += k == 0 ? 1 : <usize>k;
    }
    n++;
  }
  return n;
}

function bytesCompare(pa: usize, la: i32, pb: usize, lb: i32): i32 {
  const n = la < lb ? la : lb;
  if (pa != pb) {
    let i = 0;
    while (i + 8 <= n) {
      const x = load<u64>(pa + i);
      const y = load<u64>(pb + i);
      if (x != y) break;
      i += 8;
    }
    for (; i < n; i++) {
      const x = load<u8>(pa + i);
      const y = load<u8>(pb + i);
      if (x != y) return x < y ? -1 : 1;
    }
  }
  return la < lb ? -1 : la > lb ? 1 : 0;
}

// ---- arrays ----

export function makeArray(cap: i32): usize {
  if (cap < 0) cap = 0;
  const v = malloc(16);
  store<u32>(v, TYPE_ARRAY);
  store<i32>(v, 0, 4);
  store<i32>(v, cap, 8);
  store<usize>(v, cap > 0 ? malloc(<usize>cap << 2) : 0, 12);
  return v;
}

@inline export function arrLen(a: usize): i32 {
  return load<i32>(a, 4);
}

@inline export function arrGet(a: usize, i: i32): usize {
  return load<usize>(load<usize>(a, 12) + (<usize>i << 2));
}

@inline export function arrSet(a: usize, i: i32, v: usize): void {
  store<usize>(load<usize>(a, 12) + (<usize>i << 2), v);
}

export function arrAppend(a: usize, v: usize): void {
  const n = load<i32>(a, 4);
  const cap = load<i32>(a, 8);
  if (n == cap) {
    const ncap = cap < 4 ? 4 : cap * 2;
    store<usize>(a, realloc(load<usize>(a, 12), <usize>cap << 2, <usize>ncap << 2), 12);
    store<i32>(a, ncap, 8);
  }
  store<usize>(load<usize>(a, 12) + (<usize>n << 2), v);
  store<i32>(a, n + 1, 4);
}

// ---- objects ----

export function makeObject(): usize {
  const v = malloc(16);
  store<u32>(v, TYPE_OBJECT);
  store<i32>(v, 0, 4);
  store<i32>(v, 0, 8);
  store<usize>(v, 0, 12);
  return v;
}

/** Object with room for `cap` entries. */
export function makeObjectCap(cap: i32): usize {
  const v = malloc(16);
  store<u32>(v, TYPE_OBJECT);
  store<i32>(v, 0, 4);
  store<i32>(v, cap, 8);
  store<usize>(v, cap > 0 ? malloc(<usize>cap << 3) : 0, 12);
  return v;
}

@inline export function objLen(o: usize): i32 {
  return load<i32>(o, 4);
}

@inline export function objKeyAt(o: usize, i: i32): usize {
  return load<usize>(load<usize>(o, 12) + (<usize>i << 3));
}

@inline export function objValAt(o: usize, i: i32): usize {
  return load<usize>(load<usize>(o, 12) + (<usize>i << 3), 4);
}

@inline export function objSetValAt(o: usize, i: i32, v: usize): void {
  store<usize>(load<usize>(o, 12) + (<usize>i << 3), v, 4);
}

/** Index of key k in sorted entries (stride 8 bytes for objects, 4 for sets), or -(insertion point)-1. */
function sortedFind(base: usize, n: i32, shift: i32, k: usize): i32 {
  if (n == 0) return -1;
  // Fast path for string keys (the common case): inline byte compare.
  let lo = 0;
  let hi = n - 1;
  // Appending in order is common (building results): check the last element first.
  let c = compare(load<usize>(base + (<usize>hi << shift)), k);
  if (c < 0) return -(n + 1);
  if (c == 0) return hi;
  hi--;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    c = compare(load<usize>(base + (<usize>mid << shift)), k);
    if (c < 0) lo = mid + 1;
    else if (c > 0) hi = mid - 1;
    else return mid;
  }
  return -(lo + 1);
}

export function objFind(o: usize, k: usize): i32 {
  const n = load<i32>(o, 4);
  const base = load<usize>(o, 12);
  if (n <= 8 && load<u8>(k) == TYPE_STRING) {
    // Small objects: linear scan; the first bytes decide most comparisons without a call.
    const kl = load<i32>(k, 4);
    const kp = load<usize>(k, 8);
    const k0: i32 = kl > 0 ? <i32>load<u8>(kp) : -1;
    for (let i = 0; i < n; i++) {
      const e = load<usize>(base + (<usize>i << 3));
      if (e == k) return i;
      const te = load<u8>(e);
      if (te == TYPE_STRING) {
        const el = load<i32>(e, 4);
        const ep = load<usize>(e, 8);
        const e0: i32 = el > 0 ? <i32>load<u8>(ep) : -1;
        if (e0 < k0) continue;
        if (e0 > k0) return -(i + 1);
        const c = bytesCompare(ep, el, kp, kl);
        if (c == 0) return i;
        if (c > 0) return -(i + 1);
      } else if (te > TYPE_STRING) return -(i + 1);
    }
    return -(n + 1);
  }
  return sortedFind(base, n, 3, k);
}

export function objGet(o: usize, k: usize): usize {
  const i = objFind(o, k);
  return i >= 0 ? objValAt(o, i) : 0;
}

function growEntries(o: usize, stride: i32): void {
  const cap = load<i32>(o, 8);
  const ncap = cap < 4 ? 4 : cap * 2;
  store<usize>(o, realloc(load<usize>(o, 12), <usize>(cap * stride), <usize>(ncap * stride)), 12);
  store<i32>(o, ncap, 8);
}

export function objInsert(o: usize, k: usize, v: usize): void {
  let i = objFind(o, k);
  if (i >= 0) {
    objSetValAt(o, i, v);
    return;
  }
  i = -i - 1;
  const n = load<i32>(o, 4);
  if (n == load<i32>(o, 8)) growEntries(o, 8);
  const at = load<usize>(o, 12) + (<usize>i << 3);
  if (i < n) memory.copy(at + 8, at, <usize>(n - i) << 3);
  store<usize>(at, k);
  store<usize>(at, v, 4);
  store<i32>(o, n + 1, 4);
}

/** Appends an entry without ordering checks; call objFinishAppends afterwards (JSON parser). */
export function objAppendRaw(o: usize, k: usize, v: usize): void {
  const n = load<i32>(o, 4);
  if (n == load<i32>(o, 8)) growEntries(o, 8);
  const at = load<usize>(o, 12) + (<usize>n << 3);
  store<usize>(at, k);
  store<usize>(at, v, 4);
  store<i32>(o, n + 1, 4);
}

/** Sorts raw-appended entries by key; on duplicate keys the last one wins (JSON semantics). */
export function objFinishAppends(o: usize): void {
  const n = load<i32>(o, 4);
  if (n < 2) return;
  const base = load<usize>(o, 12);
  let sorted = true;
  for (let i = 1; i < n; i++) {
    if (compare(load<usize>(base + (<usize>(i - 1) << 3)), load<usize>(base + (<usize>i << 3))) >= 0) {
      sorted = false;
      break;
    }
  }
  if (sorted) return;
  sortEntries(base, n, 8);
  // dedupe: stable sort keeps later duplicates after earlier ones; keep the last
  let w = 0;
  for (let i = 0; i < n; i++) {
    const e = base + (<usize>i << 3);
    if (i + 1 < n && compare(load<usize>(e), load<usize>(e + 8)) == 0) continue;
    if (w != i) store<u64>(base + (<usize>w << 3), load<u64>(e));
    w++;
  }
  store<i32>(o, w, 4);
}

/** Stable sort of `n` entries of `stride` bytes (4 or 8) keyed by the value pointer at offset 0. */
export function sortEntries(base: usize, n: i32, stride: i32): void {
  if (n < 2) return;
  if (n <= 12) {
    for (let i = 1; i < n; i++) {
      const e = base + <usize>(i * stride);
      const k = load<usize>(e);
      const x = stride == 8 ? load<u64>(e) : <u64>k;
      let j = i - 1;
      while (j >= 0 && compare(load<usize>(base + <usize>(j * stride)), k) > 0) {
        const s = base + <usize>(j * stride);
        if (stride == 8) store<u64>(s + 8, load<u64>(s));
        else store<u32>(s + 4, load<u32>(s));
        j--;
      }
      const d = base + <usize>((j + 1) * stride);
      if (stride == 8) store<u64>(d, x);
      else store<u32>(d, <u32>x);
    }
    return;
  }
  const tmp = malloc(<usize>(n * stride));
  mergeSort(base, tmp, n, stride);
}

function mergeSort(a: usize, tmp: usize, n: i32, stride: i32): void {
  if (n <= 12) {
    sortEntries(a, n, stride);
    return;
  }
  const h = n >> 1;
  mergeSort(a, tmp, h, stride);
  mergeSort(a + <usize>(h * stride), tmp, n - h, stride);
  if (compare(load<usize>(a + <usize>((h - 1) * stride)), load<usize>(a + <usize>(h * stride))) <= 0) return;
  memory.copy(tmp, a, <usize>(n * stride));
  let i = 0;
  let j = h;
  let k = 0;
  while (i < h && j < n) {
    const x = tmp + <usize>(i * stride);
    const y = tmp + <usize>(j * stride);
    if (compare(load<usize>(y), load<usize>(x)) < 0) {
      memory.copy(a + <usize>(k * stride), y, <usize>stride);
      j++;
    } else {
      memory.copy(a + <usize>(k * stride), x, <usize>stride);
      i++;
    }
    k++;
  }
  if (i < h) memory.copy(a + <usize>(k * stride), tmp + <usize>(i * stride), <usize>((h - i) * stride));
  else if (j < n) memory.copy(a + <usize>(k * stride), tmp + <usize>(j * stride), <usize>((n - j) * stride));
}

export function objRemove(o: usize, k: usize): void {
  const i = objFind(o, k);
  if (i < 0) return;
  const n = load<i32>(o, 4);
  const at = load<usize>(o, 12) + (<usize>i << 3);
  if (i + 1 < n) memory.copy(at, at + 8, <usize>(n - i - 1) << 3);
  store<i32>(o, n - 1, 4);
}

// ---- sets ----

export function makeSet(): usize {
  const v = malloc(16);
  store<u32>(v, TYPE_SET);
  store<i32>(v, 0, 4);
  store<i32>(v, 0, 8);
  store<usize>(v, 0, 12);
  return v;
}

@inline export function setLen(s: usize): i32 {
  return load<i32>(s, 4);
}

@inline export function setAt(s: usize, i: i32): usize {
  return load<usize>(load<usize>(s, 12) + (<usize>i << 2));
}

export function setFind(s: usize, v: usize): i32 {
  return sortedFind(load<usize>(s, 12), load<i32>(s, 4), 2, v);
}

export function setContains(s: usize, v: usize): bool {
  return setFind(s, v) >= 0;
}

export function setAdd(s: usize, v: usize): void {
  let i = setFind(s, v);
  if (i >= 0) return;
  i = -i - 1;
  const n = load<i32>(s, 4);
  if (n == load<i32>(s, 8)) growEntries(s, 4);
  const at = load<usize>(s, 12) + (<usize>i << 2);
  if (i < n) memory.copy(at + 4, at, <usize>(n - i) << 2);
  store<usize>(at, v);
  store<i32>(s, n + 1, 4);
}

/** Appends without ordering checks; call setFinishAppends afterwards. */
export function setAppendRaw(s: usize, v: usize): void {
  const n = load<i32>(s, 4);
  if (n == load<i32>(s, 8)) growEntries(s, 4);
  store<usize>(load<usize>(s, 12) + (<usize>n << 2), v);
  store<i32>(s, n + 1, 4);
}

export function setFinishAppends(s: usize): void {
  const n = load<i32>(s, 4);
  if (n < 2) return;
  const base = load<usize>(s, 12);
  sortEntries(base, n, 4);
  let w = 1;
  for (let i = 1; i < n; i++) {
    const e = load<usize>(base + (<usize>i << 2));
    if (compare(load<usize>(base + (<usize>(w - 1) << 2)), e) == 0) continue;
    store<usize>(base + (<usize>w << 2), e);
    w++;
  }
  store<i32>(s, w, 4);
}

export function setRemove(s: usize, v: usize): void {
  const i = setFind(s, v);
  if (i < 0) return;
  const n = load<i32>(s, 4);
  const at = load<usize>(s, 12) + (<usize>i << 2);
  if (i + 1 < n) memory.copy(at, at + 4, <usize>(n - i - 1) << 2);
  store<i32>(s, n - 1, 4);
}

// ---- generic ----

export function valueLength(v: usize): i32 {
  switch (load<u8>(v)) {
    case TYPE_STRING:
      return utf8Count(load<usize>(v, 8), load<i32>(v, 4));
    case TYPE_ARRAY:
    case TYPE_OBJECT:
    case TYPE_SET:
      return load<i32>(v, 4);
  }
  return -1;
}

/** coll[key]: array by integer index, object by key, set by element (returns the element). */
export function valueGet(c: usize, k: usize): usize {
  switch (load<u8>(c)) {
    case TYPE_OBJECT:
      return objGet(c, k);
    case TYPE_ARRAY: {
      if (load<u8>(k) != TYPE_NUMBER || !numTryInt(k)) return 0;
      const i = numLastInt;
      if (i < 0 || i >= <i64>load<i32>(c, 4)) return 0;
      return arrGet(c, <i32>i);
    }
    case TYPE_SET: {
      const i = setFind(c, k);
      return i >= 0 ? setAt(c, i) : 0;
    }
  }
  return 0;
}

function numCompare(a: usize, b: usize): i32 {
  if (load<u8>(a, 1) == NUM_INT && load<u8>(b, 1) == NUM_INT) {
    const x = load<i64>(a, 8);
    const y = load<i64>(b, 8);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = numFloat(a);
  const y = numFloat(b);
  if (x != y) return x < y ? -1 : 1;
  // Equal as doubles: literals beyond double precision (big integers) still differ by their digits.
  const ta: usize = load<u8>(a, 1) == NUM_INT ? 0 : load<usize>(a, 16);
  const tb: usize = load<u8>(b, 1) == NUM_INT ? 0 : load<usize>(b, 16);
  if (ta == 0 && tb == 0) return 0;
  if (Math.abs(x) < 9.007199254740992e15 && x == Math.floor(x)) return 0; // exact either way
  return decimalCompare(a, b);
}

// Decimal digits of a number: sign, significant digits (no leading/trailing zeros) and the exponent of
// the first digit, from its literal text or its i64 value.
const DEC_A: usize = memory.data(48);
const DEC_B: usize = memory.data(48);

/** Normalises number v into buf; returns digit count, sets decExp/decNeg. */
let decExp: i32 = 0;
let decNeg = false;
function toDecimal(v: usize, buf: usize): i32 {
  let n = 0;
  decExp = 0;
  if (load<u8>(v, 1) == NUM_INT) {
    let i = load<i64>(v, 8);
    decNeg = i < 0;
    let u: u64 = decNeg ? <u64>(-i) : <u64>i;
    const tmp = buf + 24;
    let k = 0;
    do {
      store<u8>(tmp + <usize>(k++), <u8>(0x30 + <u32>(u % 10)));
      u /= 10;
    } while (u != 0);
    decExp = k;
    while (k > 0) store<u8>(buf + <usize>(n++), load<u8>(tmp + <usize>(--k)));
  } else {
    let p = load<usize>(v, 16);
    const end = p + <usize>load<i32>(v, 4);
    decNeg = load<u8>(p) == 0x2d;
    if (decNeg) p++;
    let seenPoint = false;
    let lead = true;
    while (p < end) {
      const c = load<u8>(p);
      if (c == 0x2e) seenPoint = true;
      else if (c >= 0x30 && c <= 0x39) {
        if (lead && c == 0x30) {
          if (seenPoint) decExp--;
        } else {
          lead = false;
          if (n < 40) store<u8>(buf + <usize>(n++), c);
          if (!seenPoint) decExp++;
        }
      } else break;
      p++;
    }
    if (p < end) {
      p++;
      let eneg = false;
      if (load<u8>(p) == 0x2d) {
        eneg = true;
        p++;
      } else if (load<u8>(p) == 0x2b) p++;
      let e: i32 = 0;
      while (p < end && e < 100000) e = e * 10 + <i32>(load<u8>(p++) - 0x30);
      decExp += eneg ? -e : e;
    }
  }
  while (n > 0 && load<u8>(buf + <usize>(n - 1)) == 0x30) n--;
  return n;
}

function decimalCompare(a: usize, b: usize): i32 {
  const na = toDecimal(a, DEC_A);
  const ea = decExp;
  const sa = decNeg;
  const nb = toDecimal(b, DEC_B);
  const eb = decExp;
  const sb = decNeg;
  if (na == 0 && nb == 0) return 0;
  if (sa != sb) return sa ? -1 : 1;
  const sign: i32 = sa ? -1 : 1;
  if (na == 0) return -sign;
  if (nb == 0) return sign;
  if (ea != eb) return ea < eb ? -sign : sign;
  const n = na < nb ? na : nb;
  for (let i = 0; i < n; i++) {
    const x = load<u8>(DEC_A + <usize>i);
    const y = load<u8>(DEC_B + <usize>i);
    if (x != y) return x < y ? -sign : sign;
  }
  return na == nb ? 0 : na < nb ? -sign : sign;
}

/** OPA's total order. */
export function compare(a: usize, b: usize): i32 {
  if (a == b) return 0;
  if (a == 0) return -1;
  if (b == 0) return 1;
  const ta = load<u8>(a);
  const tb = load<u8>(b);
  if (ta != tb) return ta < tb ? -1 : 1;
  switch (ta) {
    case TYPE_STRING:
      return bytesCompare(load<usize>(a, 8), load<i32>(a, 4), load<usize>(b, 8), load<i32>(b, 4));
    case TYPE_NUMBER:
      return numCompare(a, b);
    case TYPE_BOOLEAN: {
      const x = load<u8>(a, 1);
      const y = load<u8>(b, 1);
      return x == y ? 0 : x < y ? -1 : 1;
    }
    case TYPE_NULL:
      return 0;
    case TYPE_ARRAY:
    case TYPE_SET: {
      const na = load<i32>(a, 4);
      const nb = load<i32>(b, 4);
      const n = na < nb ? na : nb;
      const ea = load<usize>(a, 12);
      const eb = load<usize>(b, 12);
      for (let i = 0; i < n; i++) {
        const c = compare(load<usize>(ea + (<usize>i << 2)), load<usize>(eb + (<usize>i << 2)));
        if (c != 0) return c;
      }
      return na < nb ? -1 : na > nb ? 1 : 0;
    }
    case TYPE_OBJECT: {
      const na = load<i32>(a, 4);
      const nb = load<i32>(b, 4);
      const n = na < nb ? na : nb;
      const ea = load<usize>(a, 12);
      const eb = load<usize>(b, 12);
      for (let i = 0; i < n; i++) {
        const o = <usize>i << 3;
        let c = compare(load<usize>(ea + o), load<usize>(eb + o));
        if (c != 0) return c;
        c = compare(load<usize>(ea + o, 4), load<usize>(eb + o, 4));
        if (c != 0) return c;
      }
      return na < nb ? -1 : na > nb ? 1 : 0;
    }
  }
  return 0;
}

export function equal(a: usize, b: usize): bool {
  if (a == b) return true;
  if (a == 0 || b == 0) return false;
  const t = load<u8>(a);
  if (t != load<u8>(b)) return false;
  if (t == TYPE_STRING) {
    const n = load<i32>(a, 4);
    return n == load<i32>(b, 4) && bytesCompare(load<usize>(a, 8), n, load<usize>(b, 8), n) == 0;
  }
  if (t >= TYPE_ARRAY && load<i32>(a, 4) != load<i32>(b, 4)) return false;
  return compare(a, b) == 0;
}

/** Copy of a collection's top level (entries arrays are copied; elements shared). Scalars returned as is. */
export function shallowCopy(v: usize): usize {
  const t = load<u8>(v);
  if (t < TYPE_ARRAY) return v;
  const n = load<i32>(v, 4);
  const stride: i32 = t == TYPE_OBJECT ? 8 : 4;
  const c = malloc(16);
  store<u32>(c, load<u32>(v));
  store<i32>(c, n, 4);
  store<i32>(c, n, 8);
  if (n > 0) {
    const e = malloc(<usize>(n * stride));
    memory.copy(e, load<usize>(v, 12), <usize>(n * stride));
    store<usize>(c, e, 12);
  } else store<usize>(c, 0, 12);
  return c;
}

/** Deep copy of collections (scalars are immutable and shared). */
export function copyValue(v: usize): usize {
  const t = load<u8>(v);
  if (t < TYPE_ARRAY) return v;
  const c = shallowCopy(v);
  const n = load<i32>(c, 4);
  const e = load<usize>(c, 12);
  if (t == TYPE_OBJECT) {
    for (let i = 0; i < n; i++) store<usize>(e + (<usize>i << 3), copyValue(load<usize>(e + (<usize>i << 3), 4)), 4);
  } else if (t == TYPE_ARRAY) {
    for (let i = 0; i < n; i++) store<usize>(e + (<usize>i << 2), copyValue(load<usize>(e + (<usize>i << 2))));
  }
  return c;
}
