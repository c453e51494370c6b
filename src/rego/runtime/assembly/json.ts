// JSON (and Rego value syntax) parsing and dumping. Strings without escapes are not copied: they point
// into the parsed text, which therefore must outlive the values (true for everything the SDK loads).

import { malloc } from './memory';
import { dtoa_buffered } from 'util/number';
import {
  TYPE_NULL, TYPE_BOOLEAN, TYPE_NUMBER, TYPE_STRING, TYPE_ARRAY, TYPE_OBJECT, TYPE_SET, NUM_INT,
  makeNull, makeBool, makeString, makeArray, makeObject, makeSet, arrAppend, objAppendRaw, objFinishAppends,
  setAppendRaw, setFinishAppends, numberFromText, scanNumber, putUtf8, objLen, objKeyAt, objValAt,
  setLen, setAt, arrLen, arrGet,
} from './value';
import { bufNew, bufReserve, bufCommit, bufByte, bufBytes, bufLen, bufData } from './buf';

// ---- parse ----

let pos: usize = 0;
let end: usize = 0;
let valueSyntax = false;

@inline function ws(): void {
  while (pos < end) {
    const c = load<u8>(pos);
    if (c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09) pos++;
    else break;
  }
}

function hex4(p: usize): i32 {
  let r = 0;
  for (let i: usize = 0; i < 4; i++) {
    const c = <i32>load<u8>(p + i);
    let d: i32;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) d = (c | 0x20) - 0x61 + 10;
    else return -1;
    r = (r << 4) | d;
  }
  return r;
}

// SWAR: 8 bytes at a time, stop at the word holding a quote, a backslash or a control byte.
const ONES: u64 = 0x0101010101010101;
const HIGHS: u64 = 0x8080808080808080;

@inline function plainWord(x: u64): bool {
  const q = x ^ (ONES * 0x22);
  const b = x ^ (ONES * 0x5c);
  const special = ((q - ONES) & ~q) | ((b - ONES) & ~b) | (x - ONES * 0x20);
  return (special & ~x & HIGHS) == 0;
}

function parseString(): usize {
  // pos is just after the opening quote
  const start = pos;
  let p = pos;
  while (p + 8 <= end && plainWord(load<u64>(p))) p += 8;
  while (p < end) {
    const c = load<u8>(p);
    if (c == 0x22) {
      pos = p + 1;
      return makeString(start, <i32>(p - start));
    }
    if (c == 0x5c) break;
    if (c < 0x20) return 0;
    p++;
  }
  if (p >= end) return 0;
  // has escapes: decode into a fresh buffer (never longer than the source)
  let q = p;
  while (q < end && load<u8>(q) != 0x22) {
    if (load<u8>(q) == 0x5c) q++;
    q++;
  }
  const out = malloc(q - start + 4);
  memory.copy(out, start, p - start);
  let o = out + (p - start);
  while (p < end) {
    const c = load<u8>(p);
    if (c == 0x22) {
      pos = p + 1;
      return makeString(out, <i32>(o - out));
    }
    if (c < 0x20) return 0;
    if (c != 0x5c) {
      store<u8>(o++, c);
      p++;
      continue;
    }
    p++;
    if (p >= end) return 0;
    const e = load<u8>(p++);
    switch (e) {
      case 0x22: store<u8>(o++, 0x22); break;
      case 0x5c: store<u8>(o++, 0x5c); break;
      case 0x2f: store<u8>(o++, 0x2f); break;
      case 0x62: store<u8>(o++, 0x08); break;
      case 0x66: store<u8>(o++, 0x0c); break;
      case 0x6e: store<u8>(o++, 0x0a); break;
      case 0x72: store<u8>(o++, 0x0d); break;
      case 0x74: store<u8>(o++, 0x09); break;
      case 0x75: {
        if (p + 4 > end) return 0;
        let cp = hex4(p);
        if (cp < 0) return 0;
        p += 4;
        if (cp >= 0xd800 && cp < 0xdc00) {
          if (p + 6 <= end && load<u8>(p) == 0x5c && load<u8>(p + 1) == 0x75) {
            const lo = hex4(p + 2);
            if (lo >= 0xdc00 && lo < 0xe000) {
              cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
              p += 6;
            } else cp = 0xfffd;
          } else cp = 0xfffd;
        } else if (cp >= 0xdc00 && cp < 0xe000) cp = 0xfffd;
        o = putUtf8(o, <u32>cp);
        break;
      }
      default:
        return 0;
    }
  }
  return 0;
}

@inline function lit4(p: usize, v: u32): bool {
  return p + 4 <= end && load<u32>(p) == v;
}

function parseValue(depth: i32): usize {
  ws();
  if (pos >= end || depth > 10000) return 0;
  const c = load<u8>(pos);
  switch (c) {
    case 0x22: // "
      pos++;
      return parseString();
    case 0x7b: { // {
      pos++;
      ws();
      if (pos < end && load<u8>(pos) == 0x7d) {
        pos++;
        return makeObject();
      }
      let first = parseValue(depth + 1);
      if (first == 0) return 0;
      ws();
      if (valueSyntax && pos < end && load<u8>(pos) != 0x3a) {
        // a set literal
        const s = makeSet();
        setAppendRaw(s, first);
        while (true) {
          ws();
          if (pos >= end) return 0;
          const d = load<u8>(pos++);
          if (d == 0x7d) break;
          if (d != 0x2c) return 0;
          const v = parseValue(depth + 1);
          if (v == 0) return 0;
          setAppendRaw(s, v);
        }
        setFinishAppends(s);
        return s;
      }
      const o = makeObject();
      while (true) {
        if (!valueSyntax && load<u8>(first) != TYPE_STRING) return 0;
        ws();
        if (pos >= end || load<u8>(pos) != 0x3a) return 0;
        pos++;
        const v = parseValue(depth + 1);
        if (v == 0) return 0;
        objAppendRaw(o, first, v);
        ws();
        if (pos >= end) return 0;
        const d = load<u8>(pos++);
        if (d == 0x7d) break;
        if (d != 0x2c) return 0;
        ws();
        if (pos >= end) return 0;
        if (!valueSyntax && load<u8>(pos) != 0x22) return 0;
        first = parseValue(depth + 1);
        if (first == 0) return 0;
      }
      objFinishAppends(o);
      return o;
    }
    case 0x5b: { // [
      pos++;
      const a = makeArray(0);
      ws();
      if (pos < end && load<u8>(pos) == 0x5d) {
        pos++;
        return a;
      }
      while (true) {
        const v = parseValue(depth + 1);
        if (v == 0) return 0;
        arrAppend(a, v);
        ws();
        if (pos >= end) return 0;
        const d = load<u8>(pos++);
        if (d == 0x5d) break;
        if (d != 0x2c) return 0;
      }
      return a;
    }
    case 0x74: // true
      if (lit4(pos, 0x65757274)) {
        pos += 4;
        return makeBool(true);
      }
      return 0;
    case 0x66: // false
      if (lit4(pos + 1, 0x65736c61)) {
        pos += 5;
        return makeBool(false);
      }
      return 0;
    case 0x6e: // null
      if (lit4(pos, 0x6c6c756e)) {
        pos += 4;
        return makeNull();
      }
      return 0;
    case 0x73: // set()
      if (valueSyntax && lit4(pos, 0x28746573) && pos + 4 < end && load<u8>(pos + 4) == 0x29) {
        pos += 5;
        return makeSet();
      }
      return 0;
  }
  const n = scanNumber(pos, end);
  if (n == 0) return 0;
  const v = numberFromText(pos, n);
  pos += n;
  return v;
}

function parseTop(ptr: usize, len: usize, vs: bool): usize {
  pos = ptr;
  end = ptr + len;
  valueSyntax = vs;
  const v = parseValue(0);
  if (v == 0) return 0;
  ws();
  return pos == end ? v : 0;
}

/** Parses JSON text; 0 on a syntax error. */
export function jsonParse(ptr: usize, len: usize): usize {
  return parseTop(ptr, len, false);
}

/** Parses Rego value syntax (JSON plus sets `{1, 2}`, `set()` and non-string object keys). */
export function valueParse(ptr: usize, len: usize): usize {
  return parseTop(ptr, len, true);
}

// ---- dump ----

const SCRATCH: usize = memory.data(128);
const HEX: usize = memory.data<u8>([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);

export function writeInt(b: usize, i: i64): void {
  const p = bufReserve(b, 20);
  let u: u64 = i < 0 ? <u64>(-i) : <u64>i;
  let n = 0;
  do {
    store<u8>(SCRATCH + n, <u8>(0x30 + <u32>(u % 10)));
    u /= 10;
    n++;
  } while (u != 0);
  let o: i32 = 0;
  if (i < 0) store<u8>(p + o++, 0x2d);
  while (n > 0) store<u8>(p + o++, load<u8>(SCRATCH + --n));
  bufCommit(b, o);
}

/** Shortest round-trip decimal text of f (integral values without ".0"). */
export function writeFloat(b: usize, f: f64): void {
  if (!isFinite(f)) {
    store<u32>(SCRATCH, 0x6c6c756e); // null
    bufBytes(b, SCRATCH, 4);
    return;
  }
  if (f == Math.floor(f) && Math.abs(f) < 1e15) {
    writeInt(b, <i64>f);
    return;
  }
  let n = dtoa_buffered(SCRATCH, f);
  // AS writes integral values as "123.0"; OPA (Go) writes "123".
  if (n > 2 && load<u16>(SCRATCH + (<usize>(n - 1) << 1)) == 0x30 && load<u16>(SCRATCH + (<usize>(n - 2) << 1)) == 0x2e) n -= 2;
  const p = bufReserve(b, <i32>n);
  let o: i32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const c = <u8>load<u16>(SCRATCH + (<usize>i << 1));
    store<u8>(p + o++, c);
  }
  bufCommit(b, o);
}

export function writeNumber(b: usize, v: usize): void {
  if (load<u8>(v, 1) == NUM_INT) {
    writeInt(b, load<i64>(v, 8));
    return;
  }
  const tp = load<usize>(v, 16);
  if (tp != 0) {
    bufBytes(b, tp, load<i32>(v, 4));
    return;
  }
  writeFloat(b, load<f64>(v, 8));
}

/** Writes bytes as a JSON string literal. */
export function writeJsonString(b: usize, p: usize, len: i32): void {
  const e = p + <usize>len;
  bufByte(b, 0x22);
  let run = p;
  while (p < e) {
    const c = load<u8>(p);
    if (c >= 0x20 && c != 0x22 && c != 0x5c) {
      p++;
      continue;
    }
    if (p > run) bufBytes(b, run, <i32>(p - run));
    const o = bufReserve(b, 6);
    store<u8>(o, 0x5c);
    let k: i32 = 2;
    if (c == 0x22 || c == 0x5c) store<u8>(o, c, 1);
    else if (c == 0x0a) store<u8>(o, 0x6e, 1);
    else if (c == 0x0d) store<u8>(o, 0x72, 1);
    else if (c == 0x09) store<u8>(o, 0x74, 1);
    else {
      store<u8>(o, 0x75, 1);
      store<u8>(o, 0x30, 2);
      store<u8>(o, 0x30, 3);
      store<u8>(o, load<u8>(HEX + (c >> 4)), 4);
      store<u8>(o, load<u8>(HEX + (c & 15)), 5);
      k = 6;
    }
    bufCommit(b, k);
    p++;
    run = p;
  }
  if (p > run) bufBytes(b, run, <i32>(p - run));
  bufByte(b, 0x22);
}

function dump(b: usize, v: usize, rego: bool): void {
  switch (load<u8>(v)) {
    case TYPE_NULL:
      store<u32>(SCRATCH, 0x6c6c756e);
      bufBytes(b, SCRATCH, 4);
      return;
    case TYPE_BOOLEAN:
      if (load<u8>(v, 1) != 0) {
        store<u32>(SCRATCH, 0x65757274);
        bufBytes(b, SCRATCH, 4);
      } else {
        store<u32>(SCRATCH, 0x736c6166);
        store<u8>(SCRATCH + 4, 0x65);
        bufBytes(b, SCRATCH, 5);
      }
      return;
    case TYPE_NUMBER:
      writeNumber(b, v);
      return;
    case TYPE_STRING:
      writeJsonString(b, load<usize>(v, 8), load<i32>(v, 4));
      return;
    case TYPE_ARRAY: {
      bufByte(b, 0x5b);
      const n = arrLen(v);
      for (let i = 0; i < n; i++) {
        if (i > 0) bufByte(b, 0x2c);
        dump(b, arrGet(v, i), rego);
      }
      bufByte(b, 0x5d);
      return;
    }
    case TYPE_SET: {
      const n = setLen(v);
      if (rego && n == 0) {
        store<u32>(SCRATCH, 0x28746573);
        store<u8>(SCRATCH + 4, 0x29);
        bufBytes(b, SCRATCH, 5);
        return;
      }
      bufByte(b, rego ? 0x7b : 0x5b);
      for (let i = 0; i < n; i++) {
        if (i > 0) bufByte(b, 0x2c);
        dump(b, setAt(v, i), rego);
      }
      bufByte(b, rego ? 0x7d : 0x5d);
      return;
    }
    case TYPE_OBJECT: {
      bufByte(b, 0x7b);
      const n = objLen(v);
      for (let i = 0; i < n; i++) {
        if (i > 0) bufByte(b, 0x2c);
        const k = objKeyAt(v, i);
        if (rego || load<u8>(k) == TYPE_STRING) dump(b, k, rego);
        else {
          // JSON keys must be strings: the key's JSON text, as a string
          const t = bufNew(32);
          dump(t, k, false);
          writeJsonString(b, bufData(t), bufLen(t));
        }
        bufByte(b, 0x3a);
        dump(b, objValAt(v, i), rego);
      }
      bufByte(b, 0x7d);
      return;
    }
  }
}

/** Appends v's JSON text to buffer b. */
export function jsonDumpTo(b: usize, v: usize): void {
  dump(b, v, false);
}

/** Appends v in Rego value syntax to buffer b. */
export function valueDumpTo(b: usize, v: usize): void {
  dump(b, v, true);
}

/** JSON text of v, NUL-terminated; returns its address. */
export function jsonDump(v: usize): usize {
  const b = bufNew(256);
  if (v == 0) {
    bufByte(b, 0);
    return bufData(b);
  }
  dump(b, v, false);
  bufByte(b, 0);
  return bufData(b);
}

export function valueDump(v: usize): usize {
  const b = bufNew(256);
  if (v != 0) dump(b, v, true);
  bufByte(b, 0);
  return bufData(b);
}
