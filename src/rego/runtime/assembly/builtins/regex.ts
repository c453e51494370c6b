// regex.* builtins over the Pike-VM engine (lib/regex-engine.ts), with Go regexp's semantics for
// iterating matches, splitting and replacing. A pattern that does not compile, or a search that
// exhausts the step budget, makes the builtin undefined.

import { makeBool, makeString, makeArray, arrAppend, strLen, strPtr } from "../value";
import { heapGet, heapSet } from "../memory";
import { bufNew, bufBytes, bufByte, bufToString, bufData, bufLen, bufLiteral } from "../buf";
import { isString, intArg, intArgValue } from "./lib/text";
import { reCompile, reExec, reStatus, matchCaps, reSlots, reGroupByName } from "./lib/regex-engine";
import { decodeRune, runeWidth } from "./lib/utf8";
import { builtinFailBuf, typeError } from "../error";
import { errCode, errStart, errEnd, errText } from "./lib/regex-syntax";

// Builtins with a boolean result give back the memory the engine used (booleans are static values),
// so a regex in a loop over a large input does not grow the heap.

export function b_regex_is_valid(pattern: usize): usize {
  if (!isString(pattern)) return makeBool(false);
  const mark = heapGet();
  const ok = reCompile(strPtr(pattern), strLen(pattern)) != 0;
  heapSet(mark);
  return makeBool(ok);
}

/** Go's error for a pattern that does not parse: "<name>: error parsing regexp: <what>: `<expr>`". */
function parseFail(name: string): usize {
  const b = bufNew(64);
  bufLiteral(b, name);
  bufLiteral(b, ': error parsing regexp: ');
  bufLiteral(b, errText(errCode));
  bufLiteral(b, ': `');
  bufBytes(b, errStart, <i32>(errEnd - errStart));
  bufByte(b, 0x60);
  return builtinFailBuf(b);
}

function regexMatch(name: string, pattern: usize, value: usize): usize {
  if (!isString(pattern)) return typeError(name, 1, 'string', pattern);
  if (!isString(value)) return typeError(name, 2, 'string', value);
  const mark = heapGet();
  const re = reCompile(strPtr(pattern), strLen(pattern));
  if (re == 0) {
    heapSet(mark);
    return parseFail(name);
  }
  let r = -1;
  if (re != 0) {
    const m = reExec(re, strPtr(value), strLen(value), 0, true);
    r = reStatus < 0 ? -1 : (m ? 1 : 0);
  }
  heapSet(mark);
  return r < 0 ? 0 : makeBool(r == 1);
}

export function b_regex_match(pattern: usize, value: usize): usize {
  return regexMatch('regex.match', pattern, value);
}

/** Rego v0's deprecated re_match: regex.match under its old name. */
export function b_re_match(pattern: usize, value: usize): usize {
  return regexMatch('re_match', pattern, value);
}

// Iterates matches as Go's regexp.allMatches does; calls back through a small state machine since
// AssemblyScript has no closures: allMatchesNext() returns false when done, caps in matchCaps.
let amRe: usize = 0;
let amS: usize = 0;
let amN: i32 = 0;
let amPos: i32 = 0;
let amPrevEnd: i32 = -1;
let amFailed = false;

function allMatchesStart(re: usize, s: usize, n: i32): void {
  amRe = re; amS = s; amN = n; amPos = 0; amPrevEnd = -1; amFailed = false;
}

function allMatchesNext(): bool {
  while (amPos <= amN) {
    if (!reExec(amRe, amS, amN, amPos, false)) { if (reStatus < 0) amFailed = true; return false; }
    const a0 = load<i32>(matchCaps), a1 = load<i32>(matchCaps, 4);
    let accept = true;
    if (a1 == amPos) {
      if (a0 == amPrevEnd) accept = false; // no empty match right after a previous match
      if (amPos < amN) { decodeRune(amS + <usize>amPos, amS + <usize>amN); amPos += runeWidth; } else amPos = amN + 1;
    } else {
      amPos = a1;
    }
    amPrevEnd = a1;
    if (accept) return true;
  }
  return false;
}

function compileArgs(name: string, pattern: usize, value: usize): usize {
  if (!isString(pattern) || !isString(value)) return 0;
  const re = reCompile(strPtr(pattern), strLen(pattern));
  return re != 0 ? re : parseFail(name);
}

export function b_regex_find_n(pattern: usize, value: usize, number: usize): usize {
  const re = compileArgs('regex.find_n', pattern, value);
  if (re == 0 || !intArg(number)) return 0;
  const limit = intArgValue;
  const s = strPtr(value);
  const out = makeArray(4);
  if (limit == 0) return out;
  allMatchesStart(re, s, strLen(value));
  let count: i64 = 0;
  while ((limit < 0 || count < limit) && allMatchesNext()) {
    const a0 = load<i32>(matchCaps), a1 = load<i32>(matchCaps, 4);
    arrAppend(out, makeString(s + <usize>a0, a1 - a0));
    count++;
  }
  return amFailed ? 0 : out;
}

export function b_regex_find_all_string_submatch_n(pattern: usize, value: usize, number: usize): usize {
  const re = compileArgs('regex.find_all_string_submatch_n', pattern, value);
  if (re == 0 || !intArg(number)) return 0;
  const limit = intArgValue;
  const s = strPtr(value);
  const slots = reSlots(re);
  const out = makeArray(4);
  if (limit == 0) return out;
  allMatchesStart(re, s, strLen(value));
  let count: i64 = 0;
  while ((limit < 0 || count < limit) && allMatchesNext()) {
    const m = makeArray(slots >> 1);
    for (let g = 0; g < slots; g += 2) {
      const a = load<i32>(matchCaps + (<usize>g << 2)), z = load<i32>(matchCaps + (<usize>g << 2), 4);
      arrAppend(m, a < 0 || z < 0 ? makeString(s, 0) : makeString(s + <usize>a, z - a));
    }
    arrAppend(out, m);
    count++;
  }
  return amFailed ? 0 : out;
}

export function b_regex_split(pattern: usize, value: usize): usize {
  const re = compileArgs('regex.split', pattern, value);
  if (re == 0) return 0;
  const s = strPtr(value), n = strLen(value);
  const out = makeArray(4);
  if (strLen(pattern) > 0 && n == 0) { arrAppend(out, value); return out; }
  allMatchesStart(re, s, n);
  let beg = 0, end = 0;
  while (allMatchesNext()) {
    const a0 = load<i32>(matchCaps), a1 = load<i32>(matchCaps, 4);
    end = a0;
    if (a1 != 0) arrAppend(out, makeString(s + <usize>beg, end - beg));
    beg = a1;
  }
  if (amFailed) return 0;
  if (end != n) arrAppend(out, makeString(s + <usize>beg, n - beg));
  return out;
}

function isNameByte(c: i32): bool {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x5f;
}

/** Appends Go's Regexp.Expand of template t for the current match. */
function expand(b: usize, re: usize, s: usize, t: usize, tn: i32, caps: usize): void {
  const slots = reSlots(re);
  let i = 0;
  while (i < tn) {
    const c = <i32>load<u8>(t + <usize>i);
    if (c != 0x24 || i + 1 >= tn) { bufByte(b, <u8>c); i++; continue; }
    const d = <i32>load<u8>(t + <usize>i + 1);
    if (d == 0x24) { bufByte(b, 0x24); i += 2; continue; }
    let nameP: usize, nameN: i32, next: i32;
    if (d == 0x7b) {
      let j = i + 2;
      while (j < tn && isNameByte(<i32>load<u8>(t + <usize>j))) j++;
      if (j >= tn || j == i + 2 || load<u8>(t + <usize>j) != 0x7d) { bufByte(b, 0x24); i++; continue; }
      nameP = t + <usize>(i + 2); nameN = j - i - 2; next = j + 1;
    } else {
      let j = i + 1;
      while (j < tn && isNameByte(<i32>load<u8>(t + <usize>j))) j++;
      if (j == i + 1) { bufByte(b, 0x24); i++; continue; }
      nameP = t + <usize>(i + 1); nameN = j - i - 1; next = j;
    }
    // numeric name → group number; otherwise a named group
    let g = 0;
    let numeric = true;
    for (let k = 0; k < nameN; k++) {
      const ch = <i32>load<u8>(nameP + <usize>k);
      if (ch < 0x30 || ch > 0x39) { numeric = false; break; }
      g = g * 10 + ch - 0x30;
      if (g > 100000) g = 100000;
    }
    if (!numeric) g = reGroupByName(re, nameP, nameN);
    if (g >= 0 && g * 2 + 1 < slots) {
      const a = load<i32>(caps + (<usize>g << 3)), z = load<i32>(caps + (<usize>g << 3), 4);
      if (a >= 0 && z >= 0) bufBytes(b, s + <usize>a, z - a);
    }
    i = next;
  }
}

export function b_regex_replace(value: usize, pattern: usize, repl: usize): usize {
  if (!isString(value)) return typeError('regex.replace', 1, 'string', value);
  if (!isString(pattern)) return typeError('regex.replace', 2, 'string', pattern);
  if (!isString(repl)) return typeError('regex.replace', 3, 'string', repl);
  const re = reCompile(strPtr(pattern), strLen(pattern));
  if (re == 0) return parseFail('regex.replace');
  const s = strPtr(value), n = strLen(value);
  const b = bufNew(n + 16);
  let lastEnd = 0, searchPos = 0;
  while (searchPos <= n) {
    if (!reExec(re, s, n, searchPos, false)) { if (reStatus < 0) return 0; break; }
    const a0 = load<i32>(matchCaps), a1 = load<i32>(matchCaps, 4);
    bufBytes(b, s + <usize>lastEnd, a0 - lastEnd);
    if (a1 > lastEnd || a0 == 0) expand(b, re, s, strPtr(repl), strLen(repl), matchCaps);
    lastEnd = a1;
    let width = 1;
    if (searchPos < n) { decodeRune(s + <usize>searchPos, s + <usize>n); width = runeWidth; }
    if (searchPos + width > a1) searchPos += width;
    else if (searchPos + 1 > a1) searchPos++;
    else searchPos = a1;
  }
  bufBytes(b, s + <usize>lastEnd, n - lastEnd);
  return bufToString(b);
}

function isRegexMeta(c: i32): bool {
  return c == 0x5c || c == 0x2e || c == 0x2b || c == 0x2a || c == 0x3f || c == 0x28 || c == 0x29 || c == 0x7c ||
    c == 0x5b || c == 0x5d || c == 0x7b || c == 0x7d || c == 0x5e || c == 0x24;
}

function quoteMetaInto(b: usize, p: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const c = <i32>load<u8>(p + <usize>i);
    if (isRegexMeta(c)) bufByte(b, 0x5c);
    bufByte(b, <u8>c);
  }
}

/**
 * regex.template_match: text outside the delimiters is literal, text inside is a regular expression
 * (delimiters may nest inside it, as in "{[0-9]{3}}"); the whole value must match.
 */
export function b_regex_template_match(template: usize, value: usize, ds: usize, de: usize): usize {
  if (!isString(template)) return typeError('regex.template_match', 1, 'string', template);
  if (!isString(value)) return typeError('regex.template_match', 2, 'string', value);
  if (!isString(ds)) return typeError('regex.template_match', 3, 'string', ds);
  if (!isString(de)) return typeError('regex.template_match', 4, 'string', de);
  if (strLen(ds) != 1 || strLen(de) != 1) return 0;
  const open = load<u8>(strPtr(ds)), close = load<u8>(strPtr(de));
  const p = strPtr(template), n = strLen(template);
  const mark = heapGet();
  const b = bufNew(n * 2 + 8);
  bufByte(b, 0x5e);
  let level = 0, litStart = 0, reStart = 0;
  let ok = true;
  for (let i = 0; i < n && ok; i++) {
    const c = load<u8>(p + <usize>i);
    if (c == open) {
      if (level == 0) { quoteMetaInto(b, p + <usize>litStart, i - litStart); reStart = i + 1; }
      level++;
    } else if (c == close) {
      level--;
      if (level < 0) ok = false;
      else if (level == 0) {
        bufByte(b, 0x28);
        bufBytes(b, p + <usize>reStart, i - reStart);
        bufByte(b, 0x29);
        litStart = i + 1;
      }
    }
  }
  let r = -1;
  if (ok && level == 0) {
    quoteMetaInto(b, p + <usize>litStart, n - litStart);
    bufByte(b, 0x24);
    const re = reCompile(bufData(b), bufLen(b));
    if (re != 0) {
      const m = reExec(re, strPtr(value), strLen(value), 0, true);
      r = reStatus < 0 ? -1 : (m ? 1 : 0);
    }
  }
  heapSet(mark);
  return r < 0 ? 0 : makeBool(r == 1);
}
