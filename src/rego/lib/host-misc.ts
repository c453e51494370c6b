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
    'uuid.rfc4122': (k) => perEvaluation(`uuid.rfc4122:${JSON.stringify(k)}`, () => randomUUID()),
    'rand.intn': (s, n) => {
      if (typeof s !== 'string') throw operandError(`rand.intn: operand 1 must be string but got ${typeName(s)}`);
      const max = int(n, 'rand.intn', 2);
      const bound = max < 0n ? -max : max;
      return perEvaluation(`rand.intn:${s}:${bound}`, () => (bound === 0n ? 0 : randomInt(Number(bound))));
    },
  };
}
