// Host builtins that need Rego's own value kinds (sets, non-string keys), so they take RValue operands
// (see rego-value.ts): object.subset, json.patch and net.cidr_contains_matches.
import { BuiltinError, operandError } from './builtin-error.js';
import { parseCidr, parseIp } from './host-net.js';
import { RegoObject, RegoSet, equalValues, isObject, isSet, typeName, withRegoValues, type RValue } from './rego-value.js';

// ---- object.subset ----

function arraySubset(sup: readonly RValue[], sub: readonly RValue[]): boolean {
  if (sub.length === 0) return true;
  for (let i = 0; i + sub.length <= sup.length; i++) {
    if (sub.every((x, j) => equalValues(sup[i + j] as RValue, x))) return true;
  }
  return false;
}

function setSubset(sup: RegoSet, sub: RegoSet): boolean {
  return sub.items.every((x) => sup.has(x));
}

function objectSubset(sup: RegoObject, sub: RegoObject): boolean {
  return sub.entries.every(([k, v]) => {
    const sv = sup.get(k);
    if (sv === undefined) return false;
    if (isObject(sv) && isObject(v)) return objectSubset(sv, v);
    if (isSet(sv) && isSet(v)) return setSubset(sv, v);
    if (Array.isArray(sv) && Array.isArray(v)) return arraySubset(sv, v);
    return equalValues(sv, v);
  });
}

/** OPA's object.subset(super, sub): objects recursively, sets by membership, arrays as a contiguous run,
 *  a set within an array by membership. */
function objectSubsetBuiltin(sup: RValue, sub: RValue): RValue {
  if (isObject(sup) && isObject(sub)) return objectSubset(sup, sub);
  if (isSet(sup) && isSet(sub)) return setSubset(sup, sub);
  if (Array.isArray(sup) && Array.isArray(sub)) return arraySubset(sup, sub);
  if (Array.isArray(sup) && isSet(sub)) return sub.items.every((x) => sup.some((y) => equalValues(x, y)));
  const kinds = ['object', 'set', 'array'];
  if (!kinds.includes(typeName(sup))) throw operandError(`object.subset: operand 1 must be one of {object, set, array} but got ${typeName(sup)}`);
  if (!kinds.includes(typeName(sub))) throw operandError(`object.subset: operand 2 must be one of {object, set, array} but got ${typeName(sub)}`);
  throw operandError(`object.subset: both arguments must be objects, sets, or arrays of compatible kinds but got ${typeName(sup)} and ${typeName(sub)}`);
}

// ---- json.patch ----

const NAME = 'json.patch';
const fail = (msg: string): BuiltinError => new BuiltinError(`${NAME}: ${msg}`);

/** A patch path: a JSON pointer string (the leading `/` optional, `~1`/`~0` unescaped) or an array of keys. */
function patchPath(p: RValue | undefined, what: string): RValue[] {
  if (typeof p === 'string') {
    if (p === '') return [];
    const body = p.startsWith('/') ? p.slice(1) : p;
    return body.split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  }
  if (Array.isArray(p)) return p;
  throw fail(`${what} must be a string or an array`);
}

/** An array index from a path segment: a number, or a string of decimal digits (no sign, no leading 0). */
function arrayIndex(seg: RValue): number | undefined {
  if (typeof seg === 'number') return Number.isInteger(seg) && seg >= 0 ? seg : undefined;
  if (typeof seg === 'string' && /^(0|[1-9]\d*)$/.test(seg)) return Number(seg);
  return undefined;
}

function child(doc: RValue, seg: RValue): RValue | undefined {
  if (isObject(doc)) return doc.get(seg);
  if (Array.isArray(doc)) {
    const i = arrayIndex(seg);
    return i !== undefined && i < doc.length ? doc[i] : undefined;
  }
  if (isSet(doc)) return doc.has(seg) ? seg : undefined;
  return undefined;
}

function getPath(doc: RValue, path: readonly RValue[]): RValue | undefined {
  let cur: RValue | undefined = doc;
  for (const seg of path) {
    if (cur === undefined) return undefined;
    cur = child(cur, seg);
  }
  return cur;
}

/** doc with the value at path replaced by f(the value there); f returns the new value. */
function update(doc: RValue, path: readonly RValue[], f: (parent: RValue, last: RValue) => RValue): RValue {
  if (path.length === 0) throw fail('path must not be empty here');
  const [seg, ...rest] = path as [RValue, ...RValue[]];
  if (rest.length === 0) return f(doc, seg);
  const next = child(doc, seg);
  if (next === undefined) throw fail('path does not exist');
  const replaced = update(next, rest, f);
  if (isObject(doc)) return new RegoObject(doc.entries.map(([k, v]) => [k, equalValues(k, seg) ? replaced : v]));
  if (Array.isArray(doc)) return doc.map((v, i) => (i === arrayIndex(seg) ? replaced : v));
  if (isSet(doc)) return new RegoSet([...doc.items.filter((x) => !equalValues(x, seg)), replaced]);
  throw fail('path does not exist');
}

function addAt(doc: RValue, path: readonly RValue[], value: RValue): RValue {
  if (path.length === 0) return value;
  return update(doc, path, (parent, last) => {
    if (isObject(parent)) return new RegoObject([...parent.entries.filter(([k]) => !equalValues(k, last)), [last, value]]);
    if (Array.isArray(parent)) {
      const i = last === '-' ? parent.length : arrayIndex(last);
      if (i === undefined || i > parent.length) throw fail('invalid array index');
      return [...parent.slice(0, i), value, ...parent.slice(i)];
    }
    if (isSet(parent)) {
      if (!equalValues(last, value)) throw fail('set element must equal the last path segment');
      return new RegoSet([...parent.items, value]);
    }
    throw fail('path does not exist');
  });
}

function removeAt(doc: RValue, path: readonly RValue[]): RValue {
  return update(doc, path, (parent, last) => {
    if (isObject(parent)) {
      if (parent.get(last) === undefined) throw fail('path does not exist');
      return new RegoObject(parent.entries.filter(([k]) => !equalValues(k, last)));
    }
    if (Array.isArray(parent)) {
      const i = arrayIndex(last);
      if (i === undefined || i >= parent.length) throw fail('invalid array index');
      return [...parent.slice(0, i), ...parent.slice(i + 1)];
    }
    if (isSet(parent)) {
      if (!parent.has(last)) throw fail('path does not exist');
      return new RegoSet(parent.items.filter((x) => !equalValues(x, last)));
    }
    throw fail('path does not exist');
  });
}

function applyPatch(doc: RValue, op: RValue): RValue {
  if (!isObject(op)) throw fail('each patch must be an object');
  const kind = op.get('op');
  const path = patchPath(op.get('path'), 'path');
  const value = op.get('value');
  switch (kind) {
    case 'add':
      if (value === undefined) throw fail('add needs a value');
      return addAt(doc, path, value);
    case 'remove':
      if (path.length === 0) throw fail('cannot remove the whole document');
      return removeAt(doc, path);
    case 'replace':
      if (value === undefined) throw fail('replace needs a value');
      if (path.length === 0) return value;
      if (getPath(doc, path) === undefined) throw fail('path does not exist');
      return addAt(removeAt(doc, path), path, value);
    case 'move':
    case 'copy': {
      const from = patchPath(op.get('from'), 'from');
      const v = getPath(doc, from);
      if (v === undefined) throw fail('from path does not exist');
      const base = kind === 'move' ? (from.length === 0 ? doc : removeAt(doc, from)) : doc;
      return addAt(base, path, v);
    }
    case 'test': {
      const v = getPath(doc, path);
      if (v === undefined || value === undefined || !equalValues(v, value)) throw fail('test failed');
      return doc;
    }
    default:
      throw fail(`unknown op ${JSON.stringify(kind)}`);
  }
}

function jsonPatch(doc: RValue, patches: RValue): RValue {
  if (!Array.isArray(patches)) throw operandError(`${NAME}: operand 2 must be array but got ${typeName(patches)}`);
  return patches.reduce<RValue>((d, p) => applyPatch(d, p), doc);
}

// ---- net.cidr_contains_matches ----

const MATCHES = 'net.cidr_contains_matches';

/** The (key, address text) pairs of an operand: a string is its own key, arrays key by index, sets by
 *  element, objects by key; an element is a string or an array whose first item is one. */
function cidrEntries(v: RValue, pos: number): [RValue, string][] {
  const elem = (x: RValue): string => {
    if (typeof x === 'string') return x;
    if (Array.isArray(x) && typeof x[0] === 'string') return x[0];
    throw new BuiltinError(`${MATCHES}: operand ${pos}: element must be string or non-empty array`);
  };
  if (typeof v === 'string') return [[v, v]];
  if (Array.isArray(v)) return v.map((x, i) => [i, elem(x)]);
  if (isSet(v)) return v.items.map((x) => [x, elem(x)]);
  if (isObject(v)) return v.entries.map(([k, x]) => [k, elem(x)]);
  throw operandError(`${MATCHES}: operand ${pos} must be one of {string, array, set, object} but got ${typeName(v)}`);
}

interface Range {
  bits: 32 | 128;
  first: bigint;
  last: bigint;
}

function cidrRange(s: string): Range | undefined {
  const c = parseCidr(s);
  if (!c) return undefined;
  return { bits: c.bits, first: c.network, last: c.network + (1n << BigInt(c.bits - c.prefix)) - 1n };
}

function ipOrCidrRange(s: string): Range | undefined {
  const ip = parseIp(s);
  if (ip) return { bits: ip.bits, first: ip.value, last: ip.value };
  return cidrRange(s);
}

function cidrContainsMatches(a: RValue, b: RValue): RValue {
  const cidrs = cidrEntries(a, 1);
  const addrs = cidrEntries(b, 2);
  const out: RValue[] = [];
  for (const [k1, c] of cidrs) {
    const net = cidrRange(c);
    if (!net) throw new BuiltinError(`${MATCHES}: invalid CIDR address: ${c}`);
    for (const [k2, x] of addrs) {
      const r = ipOrCidrRange(x);
      if (!r) throw new BuiltinError(`${MATCHES}: invalid IP or CIDR address: ${x}`);
      if (r.bits === net.bits && r.first >= net.first && r.last <= net.last) out.push([k1, k2]);
    }
  }
  return new RegoSet(out);
}

export function valueBuiltins(): Record<string, (...args: RValue[]) => RValue | undefined> {
  return {
    'object.subset': withRegoValues((sup: RValue, sub: RValue) => objectSubsetBuiltin(sup, sub)),
    'json.patch': withRegoValues((doc: RValue, patches: RValue) => jsonPatch(doc, patches)),
    [MATCHES]: withRegoValues((a: RValue, b: RValue) => cidrContainsMatches(a, b)),
  };
}
