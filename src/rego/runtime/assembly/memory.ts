// Linear-memory allocator of the Rego runtime: one bump pointer, reset by the host between evaluations
// (opa_heap_ptr_set), as OPA's SDKs do. Nothing is ever freed individually.

/** First byte the allocator may hand out; 0 = just past the runtime's own static data. The code
 *  generator sets this global's init past the data segments it appends (docs/REGO-RUNTIME-ABI.md). */
export let heap_start: usize = 0;

// 0 = not yet initialised from heap_start (the code generator only patches heap_start).
let heap_ptr: usize = 0;

@inline function heapTop(): usize {
  let p = heap_ptr;
  if (p == 0) {
    p = heap_start;
    if (p == 0) p = (__heap_base + 15) & ~15;
  }
  return p;
}

// Bytes of memory known to exist. memory.size on an imported memory is slow in V8, so it is read only
// when an allocation goes past this mark (the host may also have grown memory meanwhile).
let mem_end: usize = 0;

/** Grows memory so that [0, end) is addressable. */
export function ensureMemory(end: usize): void {
  let have = <usize>memory.size() << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >> 16);
    if (memory.grow(pages) < 0) unreachable();
    have = <usize>memory.size() << 16;
  }
  mem_end = have;
}

/** Allocates `size` bytes, 8-aligned. Memory is not zeroed. */
export function malloc(size: usize): usize {
  const p = heapTop();
  const end = (p + size + 7) & ~7;
  if (end > mem_end) ensureMemory(end);
  heap_ptr = end;
  return p;
}

/** Allocates `size` zeroed bytes. */
export function calloc(size: usize): usize {
  const p = malloc(size);
  memory.fill(p, 0, size);
  return p;
}

/** Grows the block `p` of `oldSize` bytes to `newSize`; in place when it is the last block. */
export function realloc(p: usize, oldSize: usize, newSize: usize): usize {
  if (p != 0 && ((p + oldSize + 7) & ~7) == heap_ptr) {
    const end = (p + newSize + 7) & ~7;
    if (end > mem_end) ensureMemory(end);
    heap_ptr = end;
    return p;
  }
  const q = malloc(newSize);
  if (oldSize > 0) memory.copy(q, p, oldSize);
  return q;
}

export function heapGet(): usize {
  return heapTop();
}

export function heapSet(p: usize): void {
  heap_ptr = p;
}
