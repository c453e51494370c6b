// The policy's static data segment: constant values (strings, numbers, booleans, null) laid out in the
// runtime's value representation (src/rego/runtime/assembly/value.ts), so generated code uses them by
// address without allocating. Values are immutable, so sharing them across evaluations is safe.

const TYPE_NULL = 1;
const TYPE_BOOLEAN = 2;
const TYPE_NUMBER = 3;
const TYPE_STRING = 4;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

export class StaticData {
  private buf = new Uint8Array(1024);
  private len = 0;
  private readonly strings = new Map<string, number>();
  private readonly bytesAt = new Map<string, number>();
  private readonly ints = new Map<bigint, number>();
  private readonly numbers = new Map<string, number>();
  private readonly cstrs = new Map<string, number>();
  private boolAddr: [number, number] | undefined;
  private nullAddr = 0;

  constructor(readonly base: number) {}

  get size(): number {
    return this.len;
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  private alloc(n: number, align: number): number {
    this.len = (this.len + align - 1) & ~(align - 1);
    const at = this.len;
    if (at + n > this.buf.length) {
      let cap = this.buf.length * 2;
      while (cap < at + n) cap *= 2;
      const b = new Uint8Array(cap);
      b.set(this.buf.subarray(0, this.len));
      this.buf = b;
    }
    this.len = at + n;
    return at;
  }

  private view(at: number, n: number): DataView {
    return new DataView(this.buf.buffer, this.buf.byteOffset + at, n);
  }

  /** Address of the UTF-8 bytes of s (deduplicated). */
  utf8(s: string): { addr: number; len: number } {
    const b = new TextEncoder().encode(s);
    let at = this.bytesAt.get(s);
    if (at === undefined) {
      at = this.alloc(b.length, 1);
      this.buf.set(b, at);
      this.bytesAt.set(s, at);
    }
    return { addr: this.base + at, len: b.length };
  }

  string(s: string): number {
    let a = this.strings.get(s);
    if (a !== undefined) return a;
    const { addr, len } = this.utf8(s);
    const at = this.alloc(16, 8);
    const v = this.view(at, 16);
    v.setUint32(0, TYPE_STRING, true);
    v.setInt32(4, len, true);
    v.setUint32(8, addr, true);
    a = this.base + at;
    this.strings.set(s, a);
    return a;
  }

  bool(b: boolean): number {
    if (!this.boolAddr) {
      const at = this.alloc(16, 8);
      this.buf[at] = TYPE_BOOLEAN;
      this.buf[at + 1] = 0;
      this.buf[at + 8] = TYPE_BOOLEAN;
      this.buf[at + 9] = 1;
      this.boolAddr = [this.base + at, this.base + at + 8];
    }
    return this.boolAddr[b ? 1 : 0];
  }

  null(): number {
    if (this.nullAddr === 0) {
      const at = this.alloc(8, 8);
      this.buf[at] = TYPE_NULL;
      this.nullAddr = this.base + at;
    }
    return this.nullAddr;
  }

  int(i: bigint): number {
    let a = this.ints.get(i);
    if (a !== undefined) return a;
    const at = this.alloc(16, 8);
    const v = this.view(at, 16);
    v.setUint32(0, TYPE_NUMBER, true);
    v.setBigInt64(8, i, true);
    a = this.base + at;
    this.ints.set(i, a);
    return a;
  }

  /** A number from its literal text, represented exactly as the runtime's parser would. */
  number(text: string): number {
    const a = this.numbers.get(text);
    if (a !== undefined) return a;
    let addr: number;
    if (/^-?\d+$/.test(text) && BigInt(text) >= I64_MIN && BigInt(text) <= I64_MAX) addr = this.int(BigInt(text));
    else {
      const f = Number(text);
      if (Number.isNaN(f)) throw new TypeError(`wasm: invalid number literal ${JSON.stringify(text)}`);
      const frac = /\.(\d*)/.exec(text.replace(/[eE].*$/, ''))?.[1] ?? '';
      if (!/[1-9]/.test(frac) && Number.isInteger(f) && Math.abs(f) < 9007199254740992) addr = this.int(BigInt(f));
      else {
        const t = this.utf8(text);
        const at = this.alloc(24, 8);
        const v = this.view(at, 24);
        v.setUint32(0, TYPE_NUMBER | (1 << 8), true);
        v.setInt32(4, t.len, true);
        v.setFloat64(8, f, true);
        v.setUint32(16, t.addr, true);
        addr = this.base + at;
      }
    }
    this.numbers.set(text, addr);
    return addr;
  }

  /** NUL-terminated UTF-8 text (error messages). */
  cstr(s: string): number {
    let a = this.cstrs.get(s);
    if (a !== undefined) return a;
    const b = new TextEncoder().encode(s);
    const at = this.alloc(b.length + 1, 1);
    this.buf.set(b, at);
    this.buf[at + b.length] = 0;
    a = this.base + at;
    this.cstrs.set(s, a);
    return a;
  }
}
