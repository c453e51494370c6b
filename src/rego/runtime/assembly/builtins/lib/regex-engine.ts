// A Pike-VM regular-expression engine for RE2/Go syntax (the dialect OPA's regex builtins use; parsing
// in regex-syntax.ts): leftmost-first matching with submatches, linear in input × program size, and a
// step budget so no pattern or input can make evaluation hang.

import { malloc, realloc } from "../../memory";
import { decodeRune, runeWidth, toLower, toUpper } from "./utf8";
import {
  setLargeError,
  parseRegex, capCount, names, namesN, nKind, nA, nB, nC, nD, nF,
  N_EMPTY, N_LIT, N_ANY, N_CLASS, N_CAT, N_ALT, N_REP, N_CAP, N_ASSERT, F_FOLD, F_DOTNL,
  A_BOT, A_EOT, A_BOL, A_EOL, A_WORDB,
} from "./regex-syntax";

const MAX_INSTRS: i32 = 10000; // also bounds the recursion depth of addThread
/** Steps (thread additions and visits) one match may take before it gives up. */
const STEP_BUDGET: i64 = 20_000_000;

let failed = false;

// ---- program ------------------------------------------------------------------------------------

const I_CHAR = 0, I_ANY = 1, I_CLASS = 2, I_MATCH = 3, I_JMP = 4, I_SPLIT = 5, I_SAVE = 6, I_ASSERT = 7;
const INSTR_SIZE: usize = 16;

let prog: usize = 0;
let progN: i32 = 0;
let progCap: i32 = 0;

function emit(op: i32, x: i32, y: i32, z: i32): i32 {
  if (progN >= MAX_INSTRS) { failed = true; return progN; }
  if (progN == progCap) {
    const nc = progCap * 2;
    prog = realloc(prog, <usize>progCap * INSTR_SIZE, <usize>nc * INSTR_SIZE);
    progCap = nc;
  }
  const p = prog + <usize>progN * INSTR_SIZE;
  store<i32>(p, op);
  store<i32>(p, x, 4);
  store<i32>(p, y, 8);
  store<i32>(p, z, 12);
  return progN++;
}

@inline function setX(i: i32, v: i32): void { store<i32>(prog + <usize>i * INSTR_SIZE, v, 4); }
@inline function setY(i: i32, v: i32): void { store<i32>(prog + <usize>i * INSTR_SIZE, v, 8); }

function compileNode(n: usize): void {
  if (failed) return;
  const k = nKind(n);
  if (k == N_EMPTY) return;
  if (k == N_LIT) {
    const fold = (nF(n) & F_FOLD) != 0;
    emit(I_CHAR, fold ? toLower(nA(n)) : nA(n), fold ? 1 : 0, 0);
  } else if (k == N_ANY) {
    emit(I_ANY, (nF(n) & F_DOTNL) != 0 ? 1 : 0, 0, 0);
  } else if (k == N_CLASS) {
    emit(I_CLASS, nA(n), nB(n), nC(n) | ((nF(n) & F_FOLD) != 0 ? 2 : 0));
  } else if (k == N_CAT) {
    // concatenations are left-deep chains as long as the pattern: walk the spine without recursing
    let count = 0;
    let m = n;
    while (nKind(m) == N_CAT) { count++; m = <usize>nA(m); }
    const rights = malloc(<usize>count << 2);
    let i = count;
    m = n;
    while (nKind(m) == N_CAT) { store<u32>(rights + (<usize>(--i) << 2), <u32>nB(m)); m = <usize>nA(m); }
    compileNode(m);
    for (let j = 0; j < count && !failed; j++) compileNode(<usize>load<u32>(rights + (<usize>j << 2)));
  } else if (k == N_ALT) {
    const split = emit(I_SPLIT, 0, 0, 0);
    setX(split, progN);
    compileNode(<usize>nA(n));
    const jmp = emit(I_JMP, 0, 0, 0);
    setY(split, progN);
    compileNode(<usize>nB(n));
    setX(jmp, progN);
  } else if (k == N_CAP) {
    emit(I_SAVE, nB(n) * 2, 0, 0);
    compileNode(<usize>nA(n));
    emit(I_SAVE, nB(n) * 2 + 1, 0, 0);
  } else if (k == N_ASSERT) {
    emit(I_ASSERT, nA(n), 0, 0);
  } else if (k == N_REP) {
    compileRepeat(<usize>nA(n), nB(n), nC(n), nD(n) != 0);
  }
}

function compileSplit(preferNext: bool, other: i32, at: i32): void {
  // SPLIT at `at`: one branch is at+1, the other `other`; greedy prefers at+1
  if (preferNext) { setX(at, at + 1); setY(at, other); } else { setX(at, other); setY(at, at + 1); }
}

function compileRepeat(sub: usize, min: i32, max: i32, greedy: bool): void {
  if (max == -1) {
    if (min == 0) {
      // L: SPLIT body, out; body; JMP L
      const l = emit(I_SPLIT, 0, 0, 0);
      compileNode(sub);
      emit(I_JMP, l, 0, 0);
      compileSplit(greedy, progN, l);
      return;
    }
    for (let i = 0; i < min - 1 && !failed; i++) compileNode(sub);
    // L: body; SPLIT L, out
    const l = progN;
    compileNode(sub);
    const s = emit(I_SPLIT, 0, 0, 0);
    if (greedy) { setX(s, l); setY(s, progN); } else { setX(s, progN); setY(s, l); }
    return;
  }
  for (let i = 0; i < min && !failed; i++) compileNode(sub);
  const opt = max - min;
  if (opt <= 0) return;
  // each optional copy: SPLIT body, END
  const splits = malloc(<usize>opt * 4);
  for (let i = 0; i < opt && !failed; i++) {
    const s = emit(I_SPLIT, 0, 0, 0);
    store<i32>(splits + (<usize>i << 2), s);
    compileNode(sub);
  }
  if (failed) return;
  const end = progN;
  for (let i = 0; i < opt; i++) compileSplit(greedy, end, load<i32>(splits + (<usize>i << 2)));
}

// Compiled regex header: [instrs ptr, instr count, slot count]
export function reCompile(p: usize, n: i32): usize {
  const ast = parseRegex(p, n);
  if (ast == 0) return 0;
  failed = false;
  progCap = 64;
  prog = malloc(<usize>progCap * INSTR_SIZE);
  progN = 0;
  emit(I_SAVE, 0, 0, 0);
  compileNode(ast);
  emit(I_SAVE, 1, 0, 0);
  emit(I_MATCH, 0, 0, 0);
  if (failed) { setLargeError(); return 0; }
  const h = malloc(20);
  store<i32>(h, <i32>prog);
  store<i32>(h, progN, 4);
  store<i32>(h, (capCount + 1) * 2, 8);
  store<i32>(h, <i32>names, 12);
  store<i32>(h, namesN, 16);
  return h;
}

/** Group number of the named group (bytes at p, n), or -1. */
export function reGroupByName(re: usize, p: usize, n: i32): i32 {
  const tbl = <usize>load<i32>(re, 12);
  const cnt = load<i32>(re, 16);
  for (let i = 0; i < cnt; i++) {
    const e = tbl + <usize>i * 12;
    if (load<i32>(e, 8) != n) continue;
    const q = <usize>load<i32>(e, 4);
    let same = true;
    for (let j = 0; j < n; j++) if (load<u8>(q + <usize>j) != load<u8>(p + <usize>j)) { same = false; break; }
    if (same) return load<i32>(e);
  }
  return -1;
}

export function reSlots(re: usize): i32 { return load<i32>(re, 8); }

// ---- Pike VM ------------------------------------------------------------------------------------

let vmProg: usize = 0;
let vmSlots: i32 = 0;
let vmIn: usize = 0;
let vmLen: i32 = 0;
let steps: i64 = 0;

// thread list: [count][pcs: n i32][caps: n * slots i32], plus a visited mark array
let listA: usize = 0;
let listB: usize = 0;
let markA: usize = 0;
let markB: usize = 0;
let gen: i32 = 0;

/** Submatch positions of the last successful reExec: slot 2k / 2k+1 = start/end of group k (-1 unset). */
export let matchCaps: usize = 0;

@inline function op(pc: i32): i32 { return load<i32>(vmProg + <usize>pc * INSTR_SIZE); }
@inline function ix(pc: i32): i32 { return load<i32>(vmProg + <usize>pc * INSTR_SIZE, 4); }
@inline function iy(pc: i32): i32 { return load<i32>(vmProg + <usize>pc * INSTR_SIZE, 8); }
@inline function iz(pc: i32): i32 { return load<i32>(vmProg + <usize>pc * INSTR_SIZE, 12); }

function isWordByte(b: i32): bool {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b == 0x5f;
}

function assertHolds(kind: i32, at: i32): bool {
  if (kind == A_BOT) return at == 0;
  if (kind == A_EOT) return at == vmLen;
  if (kind == A_BOL) return at == 0 || load<u8>(vmIn + <usize>at - 1) == 0x0a;
  if (kind == A_EOL) return at == vmLen || load<u8>(vmIn + <usize>at) == 0x0a;
  const before = at > 0 && isWordByte(<i32>load<u8>(vmIn + <usize>at - 1));
  const after = at < vmLen && isWordByte(<i32>load<u8>(vmIn + <usize>at));
  return (kind == A_WORDB) == (before != after);
}

function addThread(list: usize, mark: usize, pc: i32, at: i32, caps: usize): void {
  steps++;
  if (load<i32>(mark + (<usize>pc << 2)) == gen) return;
  store<i32>(mark + (<usize>pc << 2), gen);
  const o = op(pc);
  if (o == I_JMP) { addThread(list, mark, ix(pc), at, caps); return; }
  if (o == I_SPLIT) { addThread(list, mark, ix(pc), at, caps); addThread(list, mark, iy(pc), at, caps); return; }
  if (o == I_SAVE) {
    const slotP = caps + (<usize>ix(pc) << 2);
    const old = load<i32>(slotP);
    store<i32>(slotP, at);
    addThread(list, mark, pc + 1, at, caps);
    store<i32>(slotP, old);
    return;
  }
  if (o == I_ASSERT) {
    if (assertHolds(ix(pc), at)) addThread(list, mark, pc + 1, at, caps);
    return;
  }
  const n = load<i32>(list);
  store<i32>(list + 4 + (<usize>n << 2), pc);
  memory.copy(listCaps(list, n), caps, <usize>vmSlots << 2);
  store<i32>(list, n + 1);
}

let listCapBase: i32 = 0; // instruction count (capacity of each list)
@inline function listCaps(list: usize, i: i32): usize {
  return list + 4 + (<usize>listCapBase << 2) + <usize>i * (<usize>vmSlots << 2);
}

function classMatch(pc: i32, c: i32): bool {
  const ranges = <usize>ix(pc);
  const n = iy(pc);
  const z = iz(pc);
  let hit = inRanges(ranges, n, c);
  if (!hit && (z & 2) != 0) {
    const l = toLower(c);
    const u = toUpper(c);
    hit = (l != c && inRanges(ranges, n, l)) || (u != c && inRanges(ranges, n, u));
  }
  return (z & 1) != 0 ? !hit : hit;
}

function inRanges(ranges: usize, n: i32, c: i32): bool {
  // sorted, disjoint ranges: binary search
  let lo = 0, hi = n - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const p = ranges + (<usize>mid << 3);
    if (c < load<i32>(p)) hi = mid - 1;
    else if (c > load<i32>(p, 4)) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Status of the last reExec: 1 matched, 0 no match, -1 step budget exhausted. */
export let reStatus: i32 = 0;

/**
 * Searches s[start:n] (assertions see the whole of s) for the leftmost-first match; with `anyMatch`,
 * stops at the first match found (for a yes/no answer). Returns true on match (see matchCaps).
 */
export function reExec(re: usize, s: usize, n: i32, start: i32, anyMatch: bool): bool {
  vmProg = <usize>load<i32>(re);
  const ninstr = load<i32>(re, 4);
  vmSlots = load<i32>(re, 8);
  vmIn = s;
  vmLen = n;
  listCapBase = ninstr;
  const listBytes = <usize>4 + (<usize>ninstr << 2) + <usize>ninstr * (<usize>vmSlots << 2);
  listA = malloc(listBytes);
  listB = malloc(listBytes);
  markA = malloc(<usize>ninstr << 2);
  markB = malloc(<usize>ninstr << 2);
  memory.fill(markA, 0xff, <usize>ninstr << 2);
  memory.fill(markB, 0xff, <usize>ninstr << 2);
  matchCaps = malloc(<usize>vmSlots << 2);
  const work = malloc(<usize>vmSlots << 2);
  store<i32>(listA, 0);
  let clist = listA, cmark = markA, nlist = listB, nmark = markB;
  let matched = false;
  let at = start;
  steps = 0;
  reStatus = 0;
  gen = 0;
  let cgen = 0; // generation of clist's marks
  while (true) {
    if (!matched) {
      memory.fill(work, 0xff, <usize>vmSlots << 2);
      gen = cgen;
      addThread(clist, cmark, 0, at, work);
    }
    const count = load<i32>(clist);
    if (count == 0 && (matched || at >= vmLen)) break;
    let c = -1;
    let w = 0;
    if (at < vmLen) {
      c = decodeRune(vmIn + <usize>at, vmIn + <usize>vmLen);
      w = runeWidth;
    }
    gen = cgen + 1;
    store<i32>(nlist, 0);
    for (let i = 0; i < count; i++) {
      steps++;
      const pc = load<i32>(clist + 4 + (<usize>i << 2));
      const o = op(pc);
      if (o == I_MATCH) {
        matched = true;
        memory.copy(matchCaps, listCaps(clist, i), <usize>vmSlots << 2);
        if (anyMatch) { reStatus = 1; return true; }
        break; // lower-priority threads lose to this match
      }
      if (c < 0) continue;
      let ok = false;
      if (o == I_CHAR) {
        const x = ix(pc);
        ok = c == x || (iy(pc) != 0 && toLower(c) == x);
      } else if (o == I_ANY) {
        ok = c != 0x0a || ix(pc) != 0;
      } else if (o == I_CLASS) {
        ok = classMatch(pc, c);
      }
      if (ok) addThread(nlist, nmark, pc + 1, at + w, listCaps(clist, i));
    }
    if (steps > STEP_BUDGET) { reStatus = -1; return false; }
    if (at >= vmLen) break;
    const tl = clist; clist = nlist; nlist = tl;
    const tm = cmark; cmark = nmark; nmark = tm;
    cgen = cgen + 1;
    at += w;
  }
  reStatus = matched ? 1 : 0;
  return matched;
}
