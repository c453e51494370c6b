// RE2/Go regular-expression syntax → AST, for the regex engine (regex-engine.ts): literals, ., classes
// ([…], [^…], [[:alpha:]], \d \s \w, \p{L}/\pN and the scripts in unicode-tables.ts), anchors and
// \b \B \A \z, groups ((…), (?:…), (?P<name>…), (?<name>…)), flags (?imsU) and (?i:…), alternation,
// * + ? {m,n} and their lazy forms. Backreferences and unknown escapes are errors, as in RE2.

import { malloc, realloc } from "../../memory";
import { decodeRune, runeWidth } from "./utf8";
import { unicodeTable, unicodeTableLen } from "./unicode-tables";

const MAX_REPEAT: i32 = 1000; // RE2's bound on {m,n}
const MAX_DEPTH: i32 = 1000; // group nesting (Go: "expression nests too deeply"); bounds parser recursion
const MAX_NODES: i32 = 20000;
const MAX_CLASS_RANGES: i32 = 4096;

// ---- AST ----------------------------------------------------------------------------------------

export const N_EMPTY = 0, N_LIT = 1, N_ANY = 2, N_CLASS = 3, N_CAT = 4, N_ALT = 5, N_REP = 6, N_CAP = 7, N_ASSERT = 8;
const NODE_SIZE: usize = 24;

export const F_FOLD = 1, F_MULTI = 2, F_DOTNL = 4, F_UNGREEDY = 8;

export const A_BOT = 0, A_EOT = 1, A_BOL = 2, A_EOL = 3, A_WORDB = 4, A_NWORDB = 5;

@inline export function nKind(n: usize): i32 { return load<i32>(n); }
@inline export function nA(n: usize): i32 { return load<i32>(n, 4); }
@inline export function nB(n: usize): i32 { return load<i32>(n, 8); }
@inline export function nC(n: usize): i32 { return load<i32>(n, 12); }
@inline export function nD(n: usize): i32 { return load<i32>(n, 16); }
@inline export function nF(n: usize): i32 { return load<i32>(n, 20); }

// parser state
let src: usize = 0;
let srcEnd: usize = 0;
let pos: usize = 0;
let flags: i32 = 0;
let failed = false;
let nodeCount: i32 = 0;
export let capCount: i32 = 0;
let depth: i32 = 0;
// names of named groups: entries [cap i32, ptr usize, len i32]
export let names: usize = 0;
export let namesN: i32 = 0;
let namesCap: i32 = 0;

function addName(cap: i32, p: usize, n: i32): void {
  if (namesN == namesCap) {
    const nc = namesCap == 0 ? 4 : namesCap * 2;
    names = realloc(names, <usize>namesCap * 12, <usize>nc * 12);
    namesCap = nc;
  }
  const e = names + <usize>namesN * 12;
  store<i32>(e, cap);
  store<i32>(e, <i32>p, 4);
  store<i32>(e, n, 8);
  namesN++;
}

function node(kind: i32, a: i32, b: i32, c: i32, d: i32): usize {
  if (++nodeCount > MAX_NODES) {
    if (errCode == E_NONE) { errCode = E_LARGE; errStart = src; errEnd = src; }
    failed = true;
  }
  const n = malloc(NODE_SIZE);
  store<i32>(n, kind);
  store<i32>(n, a, 4);
  store<i32>(n, b, 8);
  store<i32>(n, c, 12);
  store<i32>(n, d, 16);
  store<i32>(n, flags, 20);
  return n;
}

@inline function more(): bool { return pos < srcEnd; }
@inline function peek(): i32 { return <i32>load<u8>(pos); }

function fail(): usize { failed = true; return node(N_EMPTY, 0, 0, 0, 0); }

// ---- errors, as Go's regexp/syntax reports them ("error parsing regexp: <code>: `<expr>`") ----------

export const E_NONE = 0, E_MISSING_BRACKET = 1, E_INVALID_RANGE = 2, E_MISSING_PAREN = 3, E_UNEXPECTED_PAREN = 4,
  E_MISSING_REPEAT_ARG = 5, E_INVALID_REPEAT_OP = 6, E_INVALID_REPEAT_SIZE = 7, E_INVALID_ESCAPE = 8,
  E_TRAILING_BACKSLASH = 9, E_INVALID_PERL_OP = 10, E_INVALID_NAMED_CAPTURE = 11, E_NESTING_DEPTH = 12, E_LARGE = 13;
/** The first error of the last parseRegex: its code and the span of the pattern it names. */
export let errCode: i32 = 0;
export let errStart: usize = 0;
export let errEnd: usize = 0;

/** Records an error (the first one wins) and fails the parse; returns an empty node for convenience. */
function failWith(code: i32, a: usize, b: usize): usize {
  if (errCode == E_NONE) { errCode = code; errStart = a; errEnd = b > srcEnd ? srcEnd : b; }
  return fail();
}
function failFlag(code: i32, a: usize, b: usize): void { failWith(code, a, b); }

/** For the compiler: the program grew past its bound (Go: "expression too large"). */
export function setLargeError(): void {
  if (errCode == E_NONE) { errCode = E_LARGE; errStart = src; errEnd = src; }
}

/** Go's text for an error code. */
export function errText(code: i32): string {
  switch (code) {
    case E_MISSING_BRACKET: return 'missing closing ]';
    case E_INVALID_RANGE: return 'invalid character class range';
    case E_MISSING_PAREN: return 'missing closing )';
    case E_UNEXPECTED_PAREN: return 'unexpected )';
    case E_MISSING_REPEAT_ARG: return 'missing argument to repetition operator';
    case E_INVALID_REPEAT_OP: return 'invalid nested repetition operator';
    case E_INVALID_REPEAT_SIZE: return 'invalid repeat count';
    case E_INVALID_ESCAPE: return 'invalid escape sequence';
    case E_TRAILING_BACKSLASH: return 'trailing backslash at end of expression';
    case E_INVALID_PERL_OP: return 'invalid or unsupported Perl syntax';
    case E_INVALID_NAMED_CAPTURE: return 'invalid named capture';
    case E_NESTING_DEPTH: return 'expression nests too deeply';
    case E_LARGE: return 'expression too large';
  }
  return 'invalid pattern';
}

/** The end of the rune starting at q (for error spans). */
function runeEnd(q: usize): usize {
  if (q >= srcEnd) return srcEnd;
  decodeRune(q, srcEnd);
  const w: i32 = runeWidth > 0 ? runeWidth : 1;
  return q + <usize>w;
}

function parseAlt(): usize {
  let left = parseConcat();
  while (!failed && more() && peek() == 0x7c) {
    pos++;
    const right = parseConcat();
    left = node(N_ALT, <i32>left, <i32>right, 0, 0);
  }
  return left;
}

function parseConcat(): usize {
  let acc: usize = 0;
  while (!failed && more()) {
    const c = peek();
    if (c == 0x7c || c == 0x29) break;
    const atom = parseRepeat();
    acc = acc == 0 ? atom : node(N_CAT, <i32>acc, <i32>atom, 0, 0);
  }
  return acc == 0 ? node(N_EMPTY, 0, 0, 0, 0) : acc;
}

function isRepeatOp(c: i32): bool { return c == 0x2a || c == 0x2b || c == 0x3f; }

// Parses "{m}", "{m,}", "{m,n}" at pos; on success advances pos and sets repMin/repMax.
let repMin: i32 = 0;
let repMax: i32 = 0;
function parseBraces(): bool {
  let q = pos + 1;
  let m = 0, digits = 0;
  while (q < srcEnd && load<u8>(q) >= 0x30 && load<u8>(q) <= 0x39) { m = m * 10 + <i32>load<u8>(q) - 0x30; if (m > 100000) m = 100000; q++; digits++; }
  if (digits == 0 || q >= srcEnd) return false;
  let mx = m;
  if (load<u8>(q) == 0x2c) {
    q++;
    if (q < srcEnd && load<u8>(q) == 0x7d) { mx = -1; }
    else {
      mx = 0; digits = 0;
      while (q < srcEnd && load<u8>(q) >= 0x30 && load<u8>(q) <= 0x39) { mx = mx * 10 + <i32>load<u8>(q) - 0x30; if (mx > 100000) mx = 100000; q++; digits++; }
      if (digits == 0) return false;
    }
  }
  if (q >= srcEnd || load<u8>(q) != 0x7d) return false;
  pos = q + 1;
  repMin = m;
  repMax = mx;
  return true;
}

function parseRepeat(): usize {
  const c0 = peek();
  if (isRepeatOp(c0)) return failWith(E_MISSING_REPEAT_ARG, pos, pos + 1);
  if (c0 == 0x7b) {
    const save = pos;
    if (parseBraces()) return failWith(E_MISSING_REPEAT_ARG, save, pos);
    pos = save;
  }
  let atom = parseAtom();
  if (failed || !more()) return atom;
  let c = peek();
  let min = 0, max = 0;
  const opStart = pos;
  if (isRepeatOp(c)) {
    pos++;
    if (c == 0x2a) { min = 0; max = -1; }
    else if (c == 0x2b) { min = 1; max = -1; }
    else { min = 0; max = 1; }
  } else if (c == 0x7b) {
    if (!parseBraces()) return atom; // a literal '{' follows; parsed next round
    min = repMin; max = repMax;
    if (min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && max < min)) return failWith(E_INVALID_REPEAT_SIZE, opStart, pos);
  } else {
    return atom;
  }
  let greedy = (flags & F_UNGREEDY) == 0;
  if (more() && peek() == 0x3f) { pos++; greedy = !greedy; }
  if (more()) {
    c = peek();
    if (isRepeatOp(c)) return failWith(E_INVALID_REPEAT_OP, opStart, pos + 1);
    if (c == 0x7b) { const save = pos; if (parseBraces()) return failWith(E_INVALID_REPEAT_OP, opStart, pos); pos = save; }
  }
  return node(N_REP, <i32>atom, min, max, greedy ? 1 : 0);
}

let groupStart: usize = 0;

function parseFlags(): bool {
  // at pos: flags up to ')' or ':'; returns true for "(?flags:" groups, false for "(?flags)"
  let neg = false;
  let f = flags;
  let any = false;
  while (more()) {
    const c = peek();
    pos++;
    if (c == 0x2d) { if (neg) { failFlag(E_INVALID_PERL_OP, groupStart, pos); return false; } neg = true; any = false; continue; }
    if (c == 0x3a || c == 0x29) {
      if (neg && !any) { failFlag(E_INVALID_PERL_OP, groupStart, pos); return false; }
      flags = f;
      return c == 0x3a;
    }
    let bit = 0;
    if (c == 0x69) bit = F_FOLD; else if (c == 0x6d) bit = F_MULTI; else if (c == 0x73) bit = F_DOTNL; else if (c == 0x55) bit = F_UNGREEDY;
    else { failFlag(E_INVALID_PERL_OP, groupStart, runeEnd(pos - 1)); return false; }
    f = neg ? f & ~bit : f | bit;
    any = true;
  }
  failFlag(E_MISSING_PAREN, src, srcEnd);
  return false;
}

function parseGroup(): usize {
  // pos is just past '('
  const gStart = pos - 1;
  groupStart = gStart;
  if (++depth > MAX_DEPTH) return failWith(E_NESTING_DEPTH, src, srcEnd);
  const saved = flags;
  let cap = -1;
  if (more() && peek() == 0x3f) {
    pos++;
    if (!more()) return failWith(E_MISSING_REPEAT_ARG, gStart + 1, pos);
    let c = peek();
    if (c == 0x50 || c == 0x3c) {
      // (?P<name>re) or (?<name>re)
      if (c == 0x50) { pos++; if (!more() || peek() != 0x3c) return failWith(E_INVALID_PERL_OP, gStart, runeEnd(pos)); }
      pos++;
      const nameStart = pos;
      let close = pos;
      while (close < srcEnd && load<u8>(close) != 0x3e) close++;
      if (close >= srcEnd) return failWith(E_INVALID_NAMED_CAPTURE, gStart, srcEnd);
      while (more() && peek() != 0x3e) {
        const ch = peek();
        const ok = (ch >= 0x30 && ch <= 0x39) || (ch >= 0x41 && ch <= 0x5a) || (ch >= 0x61 && ch <= 0x7a) || ch == 0x5f;
        if (!ok) return failWith(E_INVALID_NAMED_CAPTURE, gStart, close + 1);
        pos++;
      }
      if (!more() || pos == nameStart) return failWith(E_INVALID_NAMED_CAPTURE, gStart, close + 1);
      cap = ++capCount;
      addName(cap, nameStart, <i32>(pos - nameStart));
      pos++;
    } else if (c == 0x3a) {
      pos++;
    } else {
      if (!parseFlags()) {
        // "(?i)": flags apply to the rest of the enclosing group
        depth--;
        return node(N_EMPTY, 0, 0, 0, 0);
      }
    }
  } else {
    cap = ++capCount;
  }
  const sub = parseAlt();
  if (failed) return sub;
  if (!more() || peek() != 0x29) return failWith(E_MISSING_PAREN, src, srcEnd);
  pos++;
  flags = saved;
  depth--;
  return cap >= 0 ? node(N_CAP, <i32>sub, cap, 0, 0) : sub;
}

// ---- classes ------------------------------------------------------------------------------------

// Range tables: pairs of inclusive [lo, hi], sorted.
const R_DIGIT = memory.data<i32>([0x30, 0x39]);
const R_SPACE = memory.data<i32>([0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x20]);
const R_WORD = memory.data<i32>([0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a]);
const R_ALNUM = memory.data<i32>([0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a]);
const R_ALPHA = memory.data<i32>([0x41, 0x5a, 0x61, 0x7a]);
const R_ASCII = memory.data<i32>([0x00, 0x7f]);
const R_BLANK = memory.data<i32>([0x09, 0x09, 0x20, 0x20]);
const R_CNTRL = memory.data<i32>([0x00, 0x1f, 0x7f, 0x7f]);
const R_GRAPH = memory.data<i32>([0x21, 0x7e]);
const R_LOWER = memory.data<i32>([0x61, 0x7a]);
const R_PRINT = memory.data<i32>([0x20, 0x7e]);
const R_PUNCT = memory.data<i32>([0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e]);
const R_PSPACE = memory.data<i32>([0x09, 0x0d, 0x20, 0x20]);
const R_UPPER = memory.data<i32>([0x41, 0x5a]);
const R_XDIGIT = memory.data<i32>([0x30, 0x39, 0x41, 0x46, 0x61, 0x66]);

let cls: usize = 0;
let clsN: i32 = 0;
let clsCap: i32 = 0;

function clsAdd(lo: i32, hi: i32): void {
  if (clsN >= MAX_CLASS_RANGES) { failFlag(E_LARGE, src, src); return; }
  if (clsN == clsCap) {
    const nc = clsCap * 2;
    cls = realloc(cls, <usize>clsCap * 8, <usize>nc * 8);
    clsCap = nc;
  }
  store<i32>(cls + (<usize>clsN << 3), lo);
  store<i32>(cls + (<usize>clsN << 3), hi, 4);
  clsN++;
}

function clsAddTable(t: usize, pairs: i32, negate: bool): void {
  if (!negate) {
    for (let i = 0; i < pairs; i++) clsAdd(load<i32>(t + (<usize>i << 3)), load<i32>(t + (<usize>i << 3), 4));
    return;
  }
  let next = 0;
  for (let i = 0; i < pairs; i++) {
    const lo = load<i32>(t + (<usize>i << 3));
    if (lo > next) clsAdd(next, lo - 1);
    next = load<i32>(t + (<usize>i << 3), 4) + 1;
  }
  if (next <= 0x10ffff) clsAdd(next, 0x10ffff);
}

/** Adds a packed Unicode table (see unicode-tables.ts), or its complement. */
function clsAddPacked(t: usize, words: i32, negate: bool): void {
  let next = 0;
  for (let i = 0; i < words; i++) {
    const w = load<u32>(t + (<usize>i << 2));
    const lo = <i32>(w & 0x1fffff);
    const hi = lo + <i32>(w >>> 21);
    if (!negate) clsAdd(lo, hi);
    else if (lo > next) clsAdd(next, lo - 1);
    if (hi + 1 > next) next = hi + 1;
  }
  if (negate && next <= 0x10ffff) clsAdd(next, 0x10ffff);
}

/** "\p" / "\P" (pos at the 'p'/'P'): a Unicode class name, one letter or {Name} / {^Name}; adds ranges. */
function unicodeClass(): bool {
  let negate = peek() == 0x50;
  pos++;
  if (!more()) return false;
  let np = pos, nn = 1;
  if (peek() == 0x7b) {
    pos++;
    if (more() && peek() == 0x5e) { negate = !negate; pos++; }
    np = pos;
    while (more() && peek() != 0x7d) pos++;
    if (!more()) return false;
    nn = <i32>(pos - np);
    pos++;
  } else {
    pos++;
  }
  if (nn == 3 && load<u8>(np) == 0x41 && load<u8>(np + 1) == 0x6e && load<u8>(np + 2) == 0x79) { // Any
    if (!negate) clsAdd(0, 0x10ffff);
    return true;
  }
  const t = unicodeTable(np, nn);
  if (t == 0) return false;
  clsAddPacked(t, unicodeTableLen, negate);
  return true;
}

/** Sorts the class ranges by start and merges overlapping or adjacent ones (for binary search). */
function clsFinish(): void {
  // shell sort on (lo, hi) pairs
  let gap = clsN >> 1;
  while (gap > 0) {
    for (let i = gap; i < clsN; i++) {
      const lo = load<i32>(cls + (<usize>i << 3)), hi = load<i32>(cls + (<usize>i << 3), 4);
      let j = i;
      while (j >= gap && load<i32>(cls + (<usize>(j - gap) << 3)) > lo) {
        store<i64>(cls + (<usize>j << 3), load<i64>(cls + (<usize>(j - gap) << 3)));
        j -= gap;
      }
      store<i32>(cls + (<usize>j << 3), lo);
      store<i32>(cls + (<usize>j << 3), hi, 4);
    }
    gap >>= 1;
  }
  let w = 0;
  for (let i = 0; i < clsN; i++) {
    const lo = load<i32>(cls + (<usize>i << 3)), hi = load<i32>(cls + (<usize>i << 3), 4);
    if (w > 0 && lo <= load<i32>(cls + (<usize>(w - 1) << 3), 4) + 1) {
      if (hi > load<i32>(cls + (<usize>(w - 1) << 3), 4)) store<i32>(cls + (<usize>(w - 1) << 3), hi, 4);
    } else {
      store<i32>(cls + (<usize>w << 3), lo);
      store<i32>(cls + (<usize>w << 3), hi, 4);
      w++;
    }
  }
  clsN = w;
}

/** Perl class letter (d, s, w, upper-case for negation) → adds its ranges; false if not one. */
function perlClass(c: i32): bool {
  const neg = c >= 0x41 && c <= 0x5a;
  const l = neg ? c + 32 : c;
  if (l == 0x64) clsAddTable(R_DIGIT, 1, neg);
  else if (l == 0x73) clsAddTable(R_SPACE, 3, neg);
  else if (l == 0x77) clsAddTable(R_WORD, 4, neg);
  else return false;
  return true;
}

function nameIs(p: usize, n: i32, s: string): bool {
  if (n != s.length) return false;
  for (let i = 0; i < n; i++) if (<i32>load<u8>(p + <usize>i) != s.charCodeAt(i)) return false;
  return true;
}

/** "[:name:]" at pos (inside a class) → adds ranges and advances; false if not a POSIX class. */
function posixClass(): bool {
  if (pos + 1 >= srcEnd || load<u8>(pos + 1) != 0x3a) return false;
  let q = pos + 2;
  let neg = false;
  if (q < srcEnd && load<u8>(q) == 0x5e) { neg = true; q++; }
  const nameStart = q;
  while (q + 1 < srcEnd && !(load<u8>(q) == 0x3a && load<u8>(q + 1) == 0x5d)) q++;
  if (q + 1 >= srcEnd) return false;
  const n = <i32>(q - nameStart);
  let t: usize = 0, pairs = 0;
  if (nameIs(nameStart, n, "alnum")) { t = R_ALNUM; pairs = 3; }
  else if (nameIs(nameStart, n, "alpha")) { t = R_ALPHA; pairs = 2; }
  else if (nameIs(nameStart, n, "ascii")) { t = R_ASCII; pairs = 1; }
  else if (nameIs(nameStart, n, "blank")) { t = R_BLANK; pairs = 2; }
  else if (nameIs(nameStart, n, "cntrl")) { t = R_CNTRL; pairs = 2; }
  else if (nameIs(nameStart, n, "digit")) { t = R_DIGIT; pairs = 1; }
  else if (nameIs(nameStart, n, "graph")) { t = R_GRAPH; pairs = 1; }
  else if (nameIs(nameStart, n, "lower")) { t = R_LOWER; pairs = 1; }
  else if (nameIs(nameStart, n, "print")) { t = R_PRINT; pairs = 1; }
  else if (nameIs(nameStart, n, "punct")) { t = R_PUNCT; pairs = 4; }
  else if (nameIs(nameStart, n, "space")) { t = R_PSPACE; pairs = 2; }
  else if (nameIs(nameStart, n, "upper")) { t = R_UPPER; pairs = 1; }
  else if (nameIs(nameStart, n, "word")) { t = R_WORD; pairs = 4; }
  else if (nameIs(nameStart, n, "xdigit")) { t = R_XDIGIT; pairs = 3; }
  else { failFlag(E_INVALID_RANGE, pos, q + 2); return true; }
  clsAddTable(t, pairs, neg);
  pos = q + 2;
  return true;
}

// Result of parseEscape for single runes: escRune >= 0; for classes escRune = -1 (ranges added).
let escRune: i32 = 0;

function hexVal(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** Parses an escape whose backslash is at pos-1 and which stands for one rune; sets escRune.
 *  Returns false (without failing) if the escape is not a rune escape, leaving pos unchanged. */
function runeEscape(): bool {
  const esc = pos - 1;
  if (!more()) { failFlag(E_TRAILING_BACKSLASH, srcEnd, srcEnd); return true; }
  const c = peek();
  if (c == 0x61) { pos++; escRune = 7; return true; }
  if (c == 0x66) { pos++; escRune = 12; return true; }
  if (c == 0x74) { pos++; escRune = 9; return true; }
  if (c == 0x6e) { pos++; escRune = 10; return true; }
  if (c == 0x72) { pos++; escRune = 13; return true; }
  if (c == 0x76) { pos++; escRune = 11; return true; }
  if (c >= 0x30 && c <= 0x37) {
    // octal: \0, \0d, \0dd; \1-\7 only when followed by another octal digit (else a backreference)
    if (c != 0x30 && (pos + 1 >= srcEnd || load<u8>(pos + 1) < 0x30 || load<u8>(pos + 1) > 0x37)) { failFlag(E_INVALID_ESCAPE, esc, pos + 1); return true; }
    let v = 0;
    for (let i = 0; i < 3 && more() && peek() >= 0x30 && peek() <= 0x37; i++) { v = v * 8 + peek() - 0x30; pos++; }
    escRune = v;
    return true;
  }
  if (c == 0x78) {
    pos++;
    if (!more()) { failFlag(E_INVALID_ESCAPE, esc, pos); return true; }
    if (peek() == 0x7b) {
      pos++;
      let v = 0, digits = 0;
      while (more() && peek() != 0x7d) {
        const h = hexVal(peek());
        if (h < 0) { failFlag(E_INVALID_ESCAPE, esc, runeEnd(pos)); return true; }
        v = v * 16 + h; digits++;
        if (v > 0x10ffff) { failFlag(E_INVALID_ESCAPE, esc, pos + 1); return true; }
        pos++;
      }
      if (!more() || digits == 0) { failFlag(E_INVALID_ESCAPE, esc, runeEnd(pos)); return true; }
      pos++;
      escRune = v;
      return true;
    }
    if (pos + 1 >= srcEnd) { failFlag(E_INVALID_ESCAPE, esc, srcEnd); return true; }
    const h1 = hexVal(peek()), h2 = hexVal(<i32>load<u8>(pos + 1));
    if (h1 < 0) { failFlag(E_INVALID_ESCAPE, esc, runeEnd(pos)); return true; }
    if (h2 < 0) { failFlag(E_INVALID_ESCAPE, esc, runeEnd(pos + 1)); return true; }
    pos += 2;
    escRune = h1 * 16 + h2;
    return true;
  }
  if (c < 0x80 && !((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a))) {
    pos++;
    escRune = c;
    return true;
  }
  return false;
}

function parseClass(): usize {
  // pos is just past '['
  const classStart = pos - 1;
  const saveCls = cls;
  clsCap = 8;
  cls = malloc(<usize>clsCap * 8);
  clsN = 0;
  let negated = false;
  if (more() && peek() == 0x5e) { negated = true; pos++; }
  let first = true;
  while (!failed) {
    if (!more()) { failFlag(E_MISSING_BRACKET, classStart, srcEnd); break; }
    const c = peek();
    if (c == 0x5d && !first) { pos++; break; }
    first = false;
    if (c == 0x5b && posixClass()) continue;
    const loStart = pos;
    let lo: i32;
    if (c == 0x5c) {
      pos++;
      if (more() && perlClass(peek())) { pos++; continue; }
      if (more() && (peek() == 0x70 || peek() == 0x50)) { if (!unicodeClass()) failFlag(E_INVALID_RANGE, loStart, pos); continue; }
      if (!runeEscape()) { failFlag(E_INVALID_ESCAPE, loStart, runeEnd(pos)); break; }
      lo = escRune;
    } else {
      lo = decodeRune(pos, srcEnd);
      pos += <usize>runeWidth;
    }
    let hi = lo;
    if (more() && peek() == 0x2d && pos + 1 < srcEnd && load<u8>(pos + 1) != 0x5d) {
      pos++;
      const d = peek();
      if (d == 0x5c) {
        pos++;
        if (!runeEscape()) { failFlag(E_INVALID_ESCAPE, pos - 1, runeEnd(pos)); break; }
        hi = escRune;
      } else {
        hi = decodeRune(pos, srcEnd);
        pos += <usize>runeWidth;
      }
      if (hi < lo) { failFlag(E_INVALID_RANGE, loStart, pos); break; }
    }
    clsAdd(lo, hi);
  }
  clsFinish();
  const n = node(N_CLASS, <i32>cls, clsN, negated ? 1 : 0, 0);
  cls = saveCls;
  return n;
}

function perlClassNode(c: i32): usize {
  clsCap = 8;
  cls = malloc(<usize>clsCap * 8);
  clsN = 0;
  perlClass(c);
  clsFinish();
  return node(N_CLASS, <i32>cls, clsN, 0, 0);
}

function unicodeClassNode(): usize {
  const start = pos - 1;
  clsCap = 64;
  cls = malloc(<usize>clsCap * 8);
  clsN = 0;
  if (!unicodeClass()) return failWith(E_INVALID_RANGE, start, pos);
  clsFinish();
  return node(N_CLASS, <i32>cls, clsN, 0, 0);
}

function parseAtom(): usize {
  const c = peek();
  if (c == 0x28) { pos++; return parseGroup(); }
  if (c == 0x29) return failWith(E_UNEXPECTED_PAREN, src, srcEnd);
  if (c == 0x5b) { pos++; return parseClass(); }
  if (c == 0x2e) { pos++; return node(N_ANY, 0, 0, 0, 0); }
  if (c == 0x5e) { pos++; return node(N_ASSERT, (flags & F_MULTI) != 0 ? A_BOL : A_BOT, 0, 0, 0); }
  if (c == 0x24) { pos++; return node(N_ASSERT, (flags & F_MULTI) != 0 ? A_EOL : A_EOT, 0, 0, 0); }
  if (c == 0x5c) {
    pos++;
    if (!more()) return failWith(E_TRAILING_BACKSLASH, srcEnd, srcEnd);
    const e = peek();
    if (e == 0x64 || e == 0x44 || e == 0x73 || e == 0x53 || e == 0x77 || e == 0x57) { pos++; return perlClassNode(e); }
    if (e == 0x70 || e == 0x50) return unicodeClassNode();
    if (e == 0x62) { pos++; return node(N_ASSERT, A_WORDB, 0, 0, 0); }
    if (e == 0x42) { pos++; return node(N_ASSERT, A_NWORDB, 0, 0, 0); }
    if (e == 0x41) { pos++; return node(N_ASSERT, A_BOT, 0, 0, 0); }
    if (e == 0x7a) { pos++; return node(N_ASSERT, A_EOT, 0, 0, 0); }
    if (e == 0x51) {
      // \Q...\E: literal text
      pos++;
      let acc: usize = 0;
      while (more()) {
        if (peek() == 0x5c && pos + 1 < srcEnd && load<u8>(pos + 1) == 0x45) { pos += 2; break; }
        const r = decodeRune(pos, srcEnd);
        pos += <usize>runeWidth;
        const lit = node(N_LIT, r, 0, 0, 0);
        acc = acc == 0 ? lit : node(N_CAT, <i32>acc, <i32>lit, 0, 0);
      }
      return acc == 0 ? node(N_EMPTY, 0, 0, 0, 0) : acc;
    }
    if (!runeEscape()) return failWith(E_INVALID_ESCAPE, pos - 1, runeEnd(pos));
    return node(N_LIT, escRune, 0, 0, 0);
  }
  const r = decodeRune(pos, srcEnd);
  pos += <usize>runeWidth;
  return node(N_LIT, r, 0, 0, 0);
}

/** Parses the pattern at [p, p+n) into an AST (node pointer), or 0 if it is not valid RE2 syntax.
 *  Afterwards capCount, names and namesN describe its groups. */
export function parseRegex(p: usize, n: i32): usize {
  src = p;
  srcEnd = p + <usize>n;
  pos = p;
  flags = 0;
  failed = false;
  errCode = E_NONE;
  errStart = p;
  errEnd = p;
  nodeCount = 0;
  capCount = 0;
  depth = 0;
  names = 0;
  namesN = 0;
  namesCap = 0;
  const ast = parseAlt();
  if (!failed && more()) failWith(E_UNEXPECTED_PAREN, src, srcEnd); // unmatched ')'
  return failed ? 0 : ast;
}
