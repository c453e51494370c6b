// Rego values on the host side, for the few host builtins that must tell a set from an array or take
// non-string object keys (json.patch, object.subset, net.cidr_contains_matches): they receive their
// operands parsed from the runtime's `opa_value_dump` (Rego value syntax) and return a value written back
// in that syntax for `opa_value_parse`. Plain JSON host builtins never see these classes.

/** A Rego set: its elements, deduplicated and in OPA's order. */
export class RegoSet {
  readonly items: RValue[];
  constructor(items: readonly RValue[]) {
    this.items = dedupSorted(items);
  }
  has(v: RValue): boolean {
    return this.items.some((x) => compareValues(x, v) === 0);
  }
}

/** A Rego object with keys of any type, entries in OPA's key order. */
export class RegoObject {
  readonly entries: [RValue, RValue][];
  constructor(entries: readonly (readonly [RValue, RValue])[]) {
    const sorted = entries.map(([k, v]) => [k, v] as [RValue, RValue]).sort((a, b) => compareValues(a[0], b[0]));
    const out: [RValue, RValue][] = [];
    // A later entry with the same key replaces the earlier one.
    for (const e of sorted) {
      const last = out[out.length - 1];
      if (last && compareValues(last[0], e[0]) === 0) last[1] = e[1];
      else out.push(e);
    }
    this.entries = out;
  }
  get(k: RValue): RValue | undefined {
    return this.entries.find(([key]) => compareValues(key, k) === 0)?.[1];
  }
}

export type RValue = null | boolean | number | string | RValue[] | RegoSet | RegoObject;

export const isSet = (v: unknown): v is RegoSet => v instanceof RegoSet;
export const isObject = (v: unknown): v is RegoObject => v instanceof RegoObject;

/** OPA's type name of a value. */
export function typeName(v: RValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (v instanceof RegoSet) return 'set';
  if (v instanceof RegoObject) return 'object';
  return typeof v;
}

const RANK: Record<string, number> = { null: 0, boolean: 1, number: 2, string: 3, array: 4, object: 5, set: 6 };

/** OPA's total order: null < boolean < number < string < array < object < set. */
export function compareValues(a: RValue, b: RValue): number {
  const ta = typeName(a);
  const tb = typeName(b);
  if (ta !== tb) return (RANK[ta] as number) - (RANK[tb] as number);
  if (a === null || b === null) return 0;
  if (typeof a === 'boolean') return Number(a) - Number(b as boolean);
  if (typeof a === 'number') return a < (b as number) ? -1 : a > (b as number) ? 1 : 0;
  if (typeof a === 'string') return compareUtf8(a, b as string);
  if (Array.isArray(a)) return compareLists(a, b as RValue[]);
  if (a instanceof RegoSet) return compareLists(a.items, (b as RegoSet).items);
  const ea = (a as RegoObject).entries;
  const eb = (b as RegoObject).entries;
  for (let i = 0; i < Math.min(ea.length, eb.length); i++) {
    const [ka, va] = ea[i] as [RValue, RValue];
    const [kb, vb] = eb[i] as [RValue, RValue];
    const c = compareValues(ka, kb) || compareValues(va, vb);
    if (c !== 0) return c;
  }
  return ea.length - eb.length;
}

export const equalValues = (a: RValue, b: RValue): boolean => compareValues(a, b) === 0;

function compareLists(a: readonly RValue[], b: readonly RValue[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareValues(a[i] as RValue, b[i] as RValue);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** Strings compare by their UTF-8 bytes, as Go's. */
function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return Buffer.compare(x, y);
}

function dedupSorted(items: readonly RValue[]): RValue[] {
  const sorted = [...items].sort(compareValues);
  return sorted.filter((v, i) => i === 0 || compareValues(sorted[i - 1] as RValue, v) !== 0);
}

/** Parses Rego value syntax as the runtime's `opa_value_dump` writes it. */
export function parseRegoValue(text: string): RValue {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  const expect = (c: string): void => {
    ws();
    if (text[i] !== c) throw new SyntaxError(`rego value: expected ${c} at ${i}`);
    i++;
  };
  const value = (): RValue => {
    ws();
    const c = text[i];
    if (c === '[') {
      i++;
      const out: RValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return out;
      }
      for (;;) {
        out.push(value());
        ws();
        if (text[i] === ',') i++;
        else break;
      }
      expect(']');
      return out;
    }
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return new RegoObject([]);
      }
      const first = value();
      ws();
      if (text[i] === ':') {
        i++;
        const entries: [RValue, RValue][] = [[first, value()]];
        ws();
        while (text[i] === ',') {
          i++;
          const k = value();
          expect(':');
          entries.push([k, value()]);
          ws();
        }
        expect('}');
        return new RegoObject(entries);
      }
      const items: RValue[] = [first];
      while (text[i] === ',') {
        i++;
        items.push(value());
        ws();
      }
      expect('}');
      return new RegoSet(items);
    }
    if (c === '"') {
      const start = i;
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      return JSON.parse(text.slice(start, i)) as string;
    }
    if (text.startsWith('set()', i)) {
      i += 5;
      return new RegoSet([]);
    }
    for (const [word, v] of [
      ['null', null],
      ['true', true],
      ['false', false],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    const m = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i));
    if (!m) throw new SyntaxError(`rego value: unexpected ${JSON.stringify(text.slice(i, i + 10))}`);
    i += m[0].length;
    return Number(m[0]);
  };
  const v = value();
  ws();
  if (i !== text.length) throw new SyntaxError('rego value: trailing text');
  return v;
}

/** Writes a value in Rego value syntax, for `opa_value_parse`. */
export function writeRegoValue(v: RValue): string {
  if (v === null || typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new RangeError('rego value: number is not finite');
    return JSON.stringify(v);
  }
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(writeRegoValue).join(',')}]`;
  if (v instanceof RegoSet) return v.items.length === 0 ? 'set()' : `{${v.items.map(writeRegoValue).join(',')}}`;
  return `{${v.entries.map(([k, x]) => `${writeRegoValue(k)}:${writeRegoValue(x)}`).join(',')}}`;
}

/** A JSON-shaped value (from a plain host builtin) as a Rego value. */
export function fromJson(v: unknown): RValue {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(fromJson);
  if (v instanceof RegoSet || v instanceof RegoObject) return v;
  if (typeof v === 'object') return new RegoObject(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fromJson(x)]));
  throw new TypeError(`not a JSON value: ${typeof v}`);
}

const REGO_VALUES = Symbol('regoValues');

/** Marks a host builtin as taking and returning Rego values (RValue) instead of JSON. */
export function withRegoValues<F extends (...args: RValue[]) => RValue | undefined>(fn: F): F {
  (fn as unknown as Record<symbol, boolean>)[REGO_VALUES] = true;
  return fn;
}

export function takesRegoValues(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as unknown as Record<symbol, boolean>)[REGO_VALUES] === true;
}
