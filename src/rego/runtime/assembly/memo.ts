// Per-evaluation memo of rules (OPA's opa_memoize_*): a complete rule — a function of (input, data) alone —
// is computed once per evaluation, not once per reference. A `with` pushes a fresh frame and pops it
// afterwards, so nothing computed under replaced documents leaks out, and nothing computed outside is
// read inside.
//
// Functions with arguments are remembered too, by the identity of their argument pointers: values are
// immutable once passed and nothing is freed during an evaluation, so the same pointers mean the same
// arguments (equal values at other addresses just miss). That is a bounded, direct-mapped cache: a call
// with other arguments that hashes alike evicts the entry.
//
// Layout: a frame is [prev @0, argCache @4, nextFree @8, slots @12 …] with one slot per memoized complete
// rule (slot numbers are the code generator's). A slot holds 0 (not computed), MEMO_UNDEFINED (computed,
// undefined), or the value. argCache is 0 until a function call is first remembered in the frame, then
// ARG_ENTRIES entries of [slot + 1, a, b, c, d, result]. Frames live in the heap, which the host resets
// before each evaluation; policy_eval calls memoInit first. A popped frame is kept for the next push (a
// `with` inside a loop would otherwise take a frame per iteration): nothing points into it any more.

import { malloc } from './memory';

/** A slot's mark for "computed, and undefined": never a value pointer (values are 8-aligned). */
export const MEMO_UNDEFINED: usize = 1;

const ARG_ENTRIES: usize = 128; // a power of two
const ARG_ENTRY_SIZE: usize = 24;

/** The current frame; exported (global `memo_frame`) so generated code reads a complete rule's slot
 *  directly: the i-th slot is the i32 at memo_frame + 12 + 4i. */
export let memo_frame: usize = 0;
const HEADER: usize = 12;
let slots: i32 = 0;
let freeFrames: usize = 0;

/** Starts an evaluation with `n` slots, all empty. */
export function memoInit(n: i32): void {
  slots = n;
  memo_frame = 0;
  freeFrames = 0;
  memoPush();
}

export function memoPush(): void {
  const size = HEADER + (<usize>slots << 2);
  let f = freeFrames;
  if (f != 0) {
    freeFrames = load<usize>(f, 8);
    const table = load<usize>(f, 4);
    if (table != 0) memory.fill(table, 0, ARG_ENTRIES * ARG_ENTRY_SIZE);
    memory.fill(f + HEADER, 0, size - HEADER);
  } else {
    f = malloc(size);
    memory.fill(f, 0, size);
  }
  store<usize>(f, memo_frame);
  memo_frame = f;
}

export function memoPop(): void {
  const f = memo_frame;
  if (f == 0) return;
  memo_frame = load<usize>(f);
  store<usize>(f, freeFrames, 8);
  freeFrames = f;
}

/** The slot's content: 0 when not computed yet, MEMO_UNDEFINED, or the value. */
export function memoGet(i: i32): usize {
  if (memo_frame == 0 || <u32>i >= <u32>slots) return 0;
  return load<usize>(memo_frame + HEADER + (<usize>i << 2));
}

export function memoInsert(i: i32, v: usize): void {
  if (memo_frame == 0 || <u32>i >= <u32>slots) return;
  store<usize>(memo_frame + HEADER + (<usize>i << 2), v == 0 ? MEMO_UNDEFINED : v);
}

@inline function argEntry(table: usize, i: i32, a: usize, b: usize, c: usize, d: usize): usize {
  let h: u32 = (<u32>i + 1) * 0x9e3779b1;
  h ^= <u32>a * 0x85ebca77;
  h ^= <u32>b * 0xc2b2ae3d;
  h ^= <u32>c * 0x27d4eb2f;
  h ^= <u32>d * 0x165667b1;
  h ^= h >> 15;
  return table + (<usize>h & (ARG_ENTRIES - 1)) * ARG_ENTRY_SIZE;
}

/** Function `i` called with arguments a…d (0 past its arity): 0 when not remembered, MEMO_UNDEFINED, or
 *  the result. */
export function memoArgsGet(i: i32, a: usize, b: usize, c: usize, d: usize): usize {
  if (memo_frame == 0) return 0;
  const table = load<usize>(memo_frame, 4);
  if (table == 0) return 0;
  const e = argEntry(table, i, a, b, c, d);
  if (load<i32>(e) != i + 1 || load<usize>(e, 4) != a || load<usize>(e, 8) != b) return 0;
  if (load<usize>(e, 12) != c || load<usize>(e, 16) != d) return 0;
  return load<usize>(e, 20);
}

export function memoArgsInsert(i: i32, a: usize, b: usize, c: usize, d: usize, v: usize): void {
  if (memo_frame == 0) return;
  let table = load<usize>(memo_frame, 4);
  if (table == 0) {
    const size = ARG_ENTRIES * ARG_ENTRY_SIZE;
    table = malloc(size);
    memory.fill(table, 0, size);
    store<usize>(memo_frame, table, 4);
  }
  const e = argEntry(table, i, a, b, c, d);
  store<i32>(e, i + 1);
  store<usize>(e, a, 4);
  store<usize>(e, b, 8);
  store<usize>(e, c, 12);
  store<usize>(e, d, 16);
  store<usize>(e, v == 0 ? MEMO_UNDEFINED : v, 20);
}
