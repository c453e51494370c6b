// Host builtins of OPA's numbers, semver, uuid and rand families that the Wasm runtime (like OPA's) does
// not compile in. Random ones are fixed per evaluation, as OPA caches them per query.
import { randomInt, randomUUID } from 'node:crypto';
import { BuiltinError, operandError } from './builtin-error.js';

type Builtin = (...args: unknown[]) => unknown;
/** The value of `make` for `key`, computed once per evaluation. */
export type PerEvaluation = <T>(key: string, make: () => T) => T;

/** OPA's builtins.IntOperand / BigIntOperand: a number that is an integer, else a type error. */
function int(v: unknown, name: string, pos: number): bigint {
  if (typeof v !== 'number') throw operandError(`${name}: operand ${pos} must be number but got ${typeName(v)}`);
  if (!Number.isInteger(v)) throw operandError(`${name}: operand ${pos} must be integer number but got floating-point number`);
  return BigInt(v);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

function semverCompare(a: RegExpExecArray, b: RegExpExecArray): number {
  for (let i = 1; i <= 3; i++) {
    const d = BigInt(a[i] as string) - BigInt(b[i] as string);
    if (d !== 0n) return d < 0n ? -1 : 1;
  }
  const pa = a[4];
  const pb = b[4];
  if (pa === undefined || pb === undefined) return pa === pb ? 0 : pa === undefined ? 1 : -1;
  const xa = pa.split('.');
  const xb = pb.split('.');
  for (let i = 0; i < Math.max(xa.length, xb.length); i++) {
    const x = xa[i];
    const y = xb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) {
      const d = BigInt(x) - BigInt(y);
      if (d !== 0n) return d < 0n ? -1 : 1;
    } else if (nx !== ny) return nx ? -1 : 1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** The 16 bytes of a UUID in one of the forms Go's uuid.Parse accepts, or undefined. */
function uuidBytes(s: string): Buffer | undefined {
  let t = s;
  if (t.length === 45 && t.slice(0, 9).toLowerCase() === 'urn:uuid:') t = t.slice(9);
  else if (t.length === 38 && t.startsWith('{') && t.endsWith('}')) t = t.slice(1, -1);
  if (t.length === 36) {
    if (t[8] !== '-' || t[13] !== '-' || t[18] !== '-' || t[23] !== '-') return undefined;
    t = t.replace(/-/g, '');
  }
  if (t.length !== 32 || !/^[0-9a-fA-F]+$/.test(t)) return undefined;
  return Buffer.from(t, 'hex');
}

/** OPA's uuid.parse: version and variant, plus time, clock sequence and node for versions 1 and 2. */
function uuidParse(s: unknown): unknown {
  if (typeof s !== 'string') throw operandError(`uuid.parse: operand 1 must be string but got ${typeName(s)}`);
  const b = uuidBytes(s);
  if (!b) return undefined;
  const version = (b[6] as number) >> 4;
  const v8 = b[8] as number;
  const variant = (v8 & 0xc0) === 0x80 ? 'RFC4122' : (v8 & 0xe0) === 0xc0 ? 'Microsoft' : (v8 & 0xe0) === 0xe0 ? 'Future' : 'Reserved';
  const out: Record<string, unknown> = { version, variant };
  if (version === 1 || version === 2) {
    const low = BigInt(b.readUInt32BE(0));
    const mid = BigInt(b.readUInt16BE(4));
    const hi = BigInt(b.readUInt16BE(6) & 0x0fff);
    const t100ns = (hi << 48n) | (mid << 32n) | low;
    // 100 ns intervals since 1582-10-15, as Unix nanoseconds.
    out.time = (t100ns - 0x01b21dd213814000n) * 100n;
    out.clocksequence = b.readUInt16BE(8) & 0x3fff;
    const node = b.subarray(10, 16);
    out.nodeid = [...node].map((x) => x.toString(16).padStart(2, '0')).join('-');
    const n0 = node[0] as number;
    out.macvariables = `${n0 & 0x02 ? 'local' : 'global'}:${n0 & 0x01 ? 'multicast' : 'unicast'}`;
    if (version === 2) {
      const d = b[9] as number;
      out.domain = d === 0 ? 'Person' : d === 1 ? 'Group' : d === 2 ? 'Org' : `Domain${d}`;
      out.id = b.readUInt32BE(0);
    }
  }
  return out;
}

export function miscBuiltins(perEvaluation: PerEvaluation): Record<string, Builtin> {
  return {
    'numbers.range_step': (a, b, step) => {
      const from = int(a, 'numbers.range_step', 1);
      const to = int(b, 'numbers.range_step', 2);
      const s = int(step, 'numbers.range_step', 3);
      if (s <= 0n) throw new BuiltinError('numbers.range_step: step must be a positive number above zero');
      const out: number[] = [];
      if (from <= to) for (let i = from; i <= to; i += s) out.push(Number(i));
      else for (let i = from; i >= to; i -= s) out.push(Number(i));
      return out;
    },
    'semver.is_valid': (v) => typeof v === 'string' && SEMVER.test(v),
    'semver.compare': (a, b) => {
      const pa = typeof a === 'string' ? SEMVER.exec(a) : null;
      const pb = typeof b === 'string' ? SEMVER.exec(b) : null;
      if (!pa) throw new BuiltinError(`semver.compare: operand 1: string ${JSON.stringify(a)} is not a valid SemVer`);
      if (!pb) throw new BuiltinError(`semver.compare: operand 2: string ${JSON.stringify(b)} is not a valid SemVer`);
      return semverCompare(pa, pb);
    },
    'uuid.parse': uuidParse,
    'uuid.rfc4122': (k) => perEvaluation(`uuid.rfc4122:${JSON.stringify(k)}`, () => randomUUID()),
    'rand.intn': (s, n) => {
      if (typeof s !== 'string') throw operandError(`rand.intn: operand 1 must be string but got ${typeName(s)}`);
      const max = int(n, 'rand.intn', 2);
      const bound = max < 0n ? -max : max;
      return perEvaluation(`rand.intn:${s}:${bound}`, () => (bound === 0n ? 0 : randomInt(Number(bound))));
    },
  };
}
