// A minimal WebAssembly binary reader/writer: enough to take the runtime module apart into sections,
// and to encode the sections and function bodies the code generator appends.

export const SECTION = {
  custom: 0, type: 1, import: 2, function: 3, table: 4, memory: 5, global: 6, export: 7, start: 8,
  element: 9, code: 10, data: 11, datacount: 12,
} as const;

/** Growable byte buffer with LEB128 helpers. */
export class ByteWriter {
  buf: Uint8Array;
  len = 0;

  constructor(cap = 256) {
    this.buf = new Uint8Array(cap);
  }

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.len++] = b;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  u32(v: number): void {
    this.room(5);
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v !== 0) b |= 0x80;
      this.buf[this.len++] = b;
    } while (v !== 0);
  }

  i32(v: number): void {
    this.room(5);
    v |= 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
        this.buf[this.len++] = b;
        return;
      }
      this.buf[this.len++] = b | 0x80;
    }
  }

  i64(v: bigint): void {
    this.room(10);
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
        this.buf[this.len++] = b;
        return;
      }
      this.buf[this.len++] = b | 0x80;
    }
  }

  /** A length-prefixed byte vector. */
  vec(b: Uint8Array): void {
    this.u32(b.length);
    this.bytes(b);
  }

  name(s: string): void {
    this.vec(new TextEncoder().encode(s));
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

/** Sequential reader over a module's bytes. */
export class ByteReader {
  pos: number;

  constructor(
    readonly buf: Uint8Array,
    pos = 0,
  ) {
    this.pos = pos;
  }

  byte(): number {
    const b = this.buf[this.pos++];
    if (b === undefined) throw new RangeError('wasm: unexpected end of module');
    return b;
  }

  u32(): number {
    let r = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      r |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return r >>> 0;
      shift += 7;
    }
  }

  /** Skips a signed LEB128 of any width. */
  skipLeb(): void {
    while (this.byte() & 0x80);
  }

  i32(): number {
    let r = 0;
    let shift = 0;
    let b: number;
    do {
      b = this.byte();
      r |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    if (shift < 32 && b & 0x40) r |= -1 << shift;
    return r | 0;
  }

  bytes(n: number): Uint8Array {
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  name(): string {
    return new TextDecoder().decode(this.bytes(this.u32()));
  }
}

export interface RawSection {
  id: number;
  body: Uint8Array;
}

export function readSections(mod: Uint8Array): RawSection[] {
  const r = new ByteReader(mod, 8);
  if (mod[0] !== 0 || mod[1] !== 0x61 || mod[2] !== 0x73 || mod[3] !== 0x6d) {
    throw new TypeError('wasm: not a WebAssembly module');
  }
  const out: RawSection[] = [];
  while (r.pos < mod.length) {
    const id = r.byte();
    const size = r.u32();
    out.push({ id, body: r.bytes(size) });
  }
  return out;
}

export function writeModule(sections: RawSection[]): Uint8Array {
  const w = new ByteWriter(1 << 16);
  w.bytes(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  for (const s of sections) {
    w.byte(s.id);
    w.vec(s.body);
  }
  return w.finish();
}

/** Skips one constant init expression (…, end). */
export function skipInitExpr(r: ByteReader): void {
  for (;;) {
    const op = r.byte();
    switch (op) {
      case 0x0b:
        return;
      case 0x41:
      case 0x42:
        r.skipLeb();
        break;
      case 0x43:
        r.pos += 4;
        break;
      case 0x44:
        r.pos += 8;
        break;
      case 0x23:
        r.u32();
        break;
      default:
        throw new TypeError(`wasm: unsupported init expression opcode 0x${op.toString(16)}`);
    }
  }
}

export const OP = {
  unreachable: 0x00, block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, brIf: 0x0d,
  return: 0x0f, call: 0x10, drop: 0x1a, select: 0x1b, localGet: 0x20, localSet: 0x21, localTee: 0x22, i32Const: 0x41,
  globalGet: 0x23, i32Load: 0x28, i32Load16U: 0x2f, i64Const: 0x42, i32Eqz: 0x45, i32Eq: 0x46, i32Ne: 0x47, i32LtS: 0x48, i32GeS: 0x4e, i32Add: 0x6a,
  i64ExtendI32S: 0xac, void: 0x40, i32: 0x7f, i64: 0x7e,
} as const;
