// A reference interpreter of the IR, for tests only: the statement semantics of src/rego/plan/ir.ts made
// executable, with a small set of builtins. It tests the planner without the Wasm back end, and serves it as an oracle.
import type { Block, Func, Operand, Plan, Policy, Stmt } from '../../src/rego/plan/ir.js';

export type RValue = null | boolean | number | string | RValue[] | RObject | RSet;

export class RObject {
  readonly entries = new Map<string, [RValue, RValue]>();
  get(k: RValue): RValue | undefined {
    return this.entries.get(keyOf(k))?.[1];
  }
  set(k: RValue, v: RValue): void {
    this.entries.set(keyOf(k), [k, v]);
  }
}

export class RSet {
  readonly items = new Map<string, RValue>();
  add(v: RValue): void {
    this.items.set(keyOf(v), v);
  }
  has(v: RValue): boolean {
    return this.items.has(keyOf(v));
  }
}

export class EvalError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'EvalError';
  }
}

type Builtin = (...args: RValue[]) => RValue | undefined;

/** Evaluates one plan; returns the result set (as JSON-able values) or throws EvalError. */
export function interpret(policy: Policy, entrypoint: string, input: unknown, data: unknown, extra: Record<string, Builtin> = {}): unknown[] {
  const plan = policy.plans.find((p) => p.name === entrypoint);
  if (plan === undefined) throw new TypeError(`no plan ${entrypoint}`);
  const funcs = new Map(policy.funcs.map((f) => [f.name, f]));
  const builtins: Record<string, Builtin> = { ...BUILTINS, ...extra };
  const results = new RSet();
  const run = new Runner(policy, funcs, builtins, results);
  run.plan(plan, input === undefined ? undefined : fromJSON(input), fromJSON(data ?? {}));
  return [...results.items.values()].map(toJSON);
}

const CONTINUE = -1;

class Runner {
  private depth = 0;
  constructor(
    private readonly policy: Policy,
    private readonly funcs: Map<string, Func>,
    private readonly builtins: Record<string, Builtin>,
    private readonly results: RSet,
  ) {}

  plan(plan: Plan, input: RValue | undefined, data: RValue): void {
    const locals: (RValue | undefined)[] = [input, data];
    for (const b of plan.blocks) this.block(b, locals, undefined);
  }

  call(fn: Func, args: (RValue | undefined)[]): RValue | undefined {
    if (++this.depth > 200) throw new EvalError('eval_internal_error', 'call depth exceeded');
    const locals: (RValue | undefined)[] = [];
    fn.params.forEach((p, i) => (locals[p] = args[i]));
    const ctx = { fn, returned: undefined as RValue | undefined, done: false };
    for (const b of fn.blocks) {
      this.block(b, locals, ctx);
      if (ctx.done) break;
    }
    this.depth--;
    return ctx.returned;
  }

  /** Runs a block: CONTINUE when it completed, else how many more enclosing blocks to leave. */
  private block(b: Block, locals: (RValue | undefined)[], ctx: FuncCtx | undefined): number {
    for (const s of b.stmts) {
      const r = this.stmt(s, locals, ctx);
      if (ctx?.done) return CONTINUE;
      if (r >= 0) return r;
    }
    return CONTINUE;
  }

  private op(o: Operand, locals: (RValue | undefined)[]): RValue | undefined {
    if (o.kind === 'local') return locals[o.local];
    if (o.kind === 'bool') return o.value;
    return this.policy.static.strings[o.index]!;
  }

  /** CONTINUE, or a break index (0 = leave the current block). Undefined statements are break 0. */
  private stmt(s: Stmt, L: (RValue | undefined)[], ctx: FuncCtx | undefined): number {
    const U = 0;
    switch (s.type) {
      case 'ReturnLocal':
        if (ctx) {
          ctx.returned = L[s.source];
          ctx.done = true;
        }
        return CONTINUE;
      case 'Call': {
        const args = s.args.map((a) => this.op(a, L));
        const fn = this.funcs.get(s.func);
        let r: RValue | undefined;
        if (fn !== undefined) {
          r = this.call(fn, args);
        } else {
          const b = this.builtins[s.func];
          if (b === undefined) throw new EvalError('eval_internal_error', `builtin ${s.func} not implemented by the interpreter`);
          if (args.some((a) => a === undefined)) return U;
          r = b(...(args as RValue[]));
        }
        if (r === undefined) return U;
        L[s.result] = r;
        return CONTINUE;
      }
      case 'CallDynamic':
        throw new EvalError('eval_internal_error', 'CallDynamic not implemented by the interpreter');
      case 'Block':
        for (const b of s.blocks) {
          const r = this.block(b, L, ctx);
          if (ctx?.done) return CONTINUE;
          if (r >= 1) return r - 1;
        }
        return CONTINUE;
      case 'Break':
        return s.index;
      case 'Dot': {
        const src = this.op(s.source, L);
        const key = this.op(s.key, L);
        if (src === undefined || key === undefined) return U;
        const v = dot(src, key);
        if (v === undefined) return U;
        L[s.target] = v;
        return CONTINUE;
      }
      case 'Len': {
        const src = this.op(s.source, L);
        if (src === undefined) return U;
        const n = length(src);
        if (n === undefined) return U;
        L[s.target] = n;
        return CONTINUE;
      }
      case 'Scan': {
        const src = L[s.source];
        if (src === undefined) return U;
        for (const [k, v] of elements(src)) {
          L[s.key] = k;
          L[s.value] = v;
          const r = this.block(s.block, L, ctx);
          if (ctx?.done) return CONTINUE;
          if (r >= 1) return r - 1;
        }
        return CONTINUE;
      }
      case 'Not': {
        const r = this.block(s.block, L, ctx);
        if (r === CONTINUE) return U;
        if (r >= 1) return r - 1;
        return CONTINUE;
      }
      case 'AssignInt':
        L[s.target] = s.value;
        return CONTINUE;
      case 'AssignVar':
        L[s.target] = this.op(s.source, L);
        return CONTINUE;
      case 'AssignVarOnce': {
        const v = this.op(s.source, L);
        const cur = L[s.target];
        if (cur !== undefined && v !== undefined && compare(cur, v) !== 0) {
          const fnArgs = ctx !== undefined && ctx.fn.params.length > 2;
          throw new EvalError(
            'eval_conflict_error',
            fnArgs ? 'functions must not produce multiple outputs for same inputs' : 'complete rules must not produce multiple outputs',
          );
        }
        L[s.target] = v;
        return CONTINUE;
      }
      case 'ResetLocal':
        L[s.target] = undefined;
        return CONTINUE;
      case 'MakeNull':
        L[s.target] = null;
        return CONTINUE;
      case 'MakeNumberInt':
        L[s.target] = s.value;
        return CONTINUE;
      case 'MakeNumberRef':
        L[s.target] = Number(this.policy.static.strings[s.index]);
        return CONTINUE;
      case 'MakeArray':
        L[s.target] = [];
        return CONTINUE;
      case 'MakeObject':
        L[s.target] = new RObject();
        return CONTINUE;
      case 'MakeSet':
        L[s.target] = new RSet();
        return CONTINUE;
      case 'Equal':
      case 'NotEqual': {
        const a = this.op(s.a, L);
        const b = this.op(s.b, L);
        if (a === undefined || b === undefined) return U;
        const eq = compare(a, b) === 0;
        return eq === (s.type === 'Equal') ? CONTINUE : U;
      }
      case 'IsArray':
        return Array.isArray(this.op(s.source, L)) ? CONTINUE : U;
      case 'IsObject':
        return this.op(s.source, L) instanceof RObject ? CONTINUE : U;
      case 'IsSet':
        return this.op(s.source, L) instanceof RSet ? CONTINUE : U;
      case 'IsDefined':
        return L[s.source] !== undefined ? CONTINUE : U;
      case 'IsUndefined':
        return L[s.source] === undefined ? CONTINUE : U;
      case 'ArrayAppend': {
        const v = this.op(s.value, L);
        if (v === undefined) return U;
        (L[s.array] as RValue[]).push(v);
        return CONTINUE;
      }
      case 'ObjectInsert':
      case 'ObjectInsertOnce': {
        const k = this.op(s.key, L);
        const v = this.op(s.value, L);
        if (k === undefined || v === undefined) return U;
        const obj = L[s.object] as RObject;
        if (s.type === 'ObjectInsertOnce') {
          const cur = obj.get(k);
          if (cur !== undefined && compare(cur, v) !== 0) throw new EvalError('eval_conflict_error', 'object keys must be unique');
        }
        obj.set(k, v);
        return CONTINUE;
      }
      case 'ObjectMerge': {
        const a = L[s.a];
        const b = L[s.b];
        if (a === undefined || b === undefined) return U;
        const m = merge(a, b);
        if (m === undefined) return U;
        L[s.target] = m;
        return CONTINUE;
      }
      case 'SetAdd': {
        const v = this.op(s.value, L);
        if (v === undefined) return U;
        (L[s.set] as RSet).add(v);
        return CONTINUE;
      }
      case 'With': {
        const original = L[s.local];
        const value = this.op(s.value, L);
        if (value === undefined && s.path.length > 0) return U;
        const path = s.path.map((i) => this.policy.static.strings[i]!);
        L[s.local] = value === undefined ? undefined : upsert(original, path, value);
        const r = this.block(s.block, L, ctx);
        L[s.local] = original;
        if (ctx?.done) return CONTINUE;
        if (r >= 1) return r - 1;
        return CONTINUE;
      }
      case 'ResultSetAdd':
        this.results.add(L[s.value]!);
        return CONTINUE;
      case 'Nop':
        return CONTINUE;
    }
  }
}

interface FuncCtx {
  fn: Func;
  returned: RValue | undefined;
  done: boolean;
}

// ---------------------------------------------------------------------- values

export function keyOf(v: RValue): string {
  if (v === null) return 'n';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number') return `#${v}`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(keyOf).join(',')}]`;
  if (v instanceof RObject) return `{${[...v.entries.keys()].sort().map((k) => `${k}:${keyOf(v.entries.get(k)![1])}`).join(',')}}`;
  return `<${[...v.items.keys()].sort().join(',')}>`;
}

function rank(v: RValue): number {
  if (v === null) return 0;
  if (typeof v === 'boolean') return 1;
  if (typeof v === 'number') return 2;
  if (typeof v === 'string') return 3;
  if (Array.isArray(v)) return 4;
  if (v instanceof RObject) return 5;
  return 6;
}

export function compare(a: RValue, b: RValue): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'boolean' || typeof a === 'number') return Number(a) - Number(b);
  if (typeof a === 'string') return a < (b as string) ? -1 : a > (b as string) ? 1 : 0;
  if (Array.isArray(a)) {
    const bb = b as RValue[];
    for (let i = 0; i < Math.min(a.length, bb.length); i++) {
      const c = compare(a[i]!, bb[i]!);
      if (c !== 0) return c;
    }
    return a.length - bb.length;
  }
  if (a instanceof RObject) {
    const bo = b as RObject;
    const ka = sorted([...a.entries.values()].map(([k]) => k));
    const kb = sorted([...bo.entries.values()].map(([k]) => k));
    for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
      const c = compare(ka[i]!, kb[i]!);
      if (c !== 0) return c;
      const d = compare(a.get(ka[i]!)!, bo.get(kb[i]!)!);
      if (d !== 0) return d;
    }
    return ka.length - kb.length;
  }
  const sa = sorted([...(a as RSet).items.values()]);
  const sb = sorted([...(b as RSet).items.values()]);
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const c = compare(sa[i]!, sb[i]!);
    if (c !== 0) return c;
  }
  return sa.length - sb.length;
}

function sorted(vs: RValue[]): RValue[] {
  return vs.sort(compare);
}

function dot(src: RValue, key: RValue): RValue | undefined {
  if (Array.isArray(src)) return typeof key === 'number' && Number.isInteger(key) ? src[key] : undefined;
  if (src instanceof RObject) return src.get(key);
  if (src instanceof RSet) return src.has(key) ? key : undefined;
  return undefined;
}

function length(v: RValue): number | undefined {
  if (Array.isArray(v)) return v.length;
  if (v instanceof RObject) return v.entries.size;
  if (v instanceof RSet) return v.items.size;
  if (typeof v === 'string') return [...v].length;
  return undefined;
}

function elements(v: RValue): [RValue, RValue][] {
  if (Array.isArray(v)) return v.map((x, i) => [i, x]);
  if (v instanceof RObject) return [...v.entries.values()].sort((a, b) => compare(a[0], b[0]));
  if (v instanceof RSet) return sorted([...v.items.values()]).map((x) => [x, x]);
  return [];
}

function merge(a: RValue, b: RValue): RValue | undefined {
  if (!(a instanceof RObject) || !(b instanceof RObject)) return undefined;
  const out = new RObject();
  for (const [k, v] of a.entries.values()) out.set(k, v);
  for (const [k, v] of b.entries.values()) {
    const cur = out.get(k);
    if (cur === undefined) out.set(k, v);
    else if (cur instanceof RObject && v instanceof RObject) out.set(k, merge(cur, v)!);
  }
  return out;
}

function upsert(base: RValue | undefined, path: string[], value: RValue): RValue {
  if (path.length === 0) return value;
  const out = new RObject();
  if (base instanceof RObject) for (const [k, v] of base.entries.values()) out.set(k, v);
  out.set(path[0]!, upsert(out.get(path[0]!), path.slice(1), value));
  return out;
}

export function fromJSON(v: unknown): RValue {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(fromJSON);
  if (v instanceof RSet || v instanceof RObject) return v;
  const o = new RObject();
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) o.set(k, fromJSON(x));
  return o;
}

export function toJSON(v: RValue): unknown {
  if (Array.isArray(v)) return v.map(toJSON);
  if (v instanceof RSet) return sorted([...v.items.values()]).map(toJSON);
  if (v instanceof RObject) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of [...v.entries.values()].sort((a, b) => compare(a[0], b[0]))) {
      out[typeof k === 'string' ? k : JSON.stringify(toJSON(k))] = toJSON(x);
    }
    return out;
  }
  return v;
}

// ---------------------------------------------------------------------- builtins

const num = (v: RValue): v is number => typeof v === 'number';
const str = (v: RValue): v is string => typeof v === 'string';
const bool = (b: boolean): RValue => b;

function arith(f: (a: number, b: number) => number): Builtin {
  return (a, b) => (num(a) && num(b) ? f(a, b) : undefined);
}

function collection(v: RValue): RValue[] | undefined {
  if (Array.isArray(v)) return v;
  if (v instanceof RSet) return sorted([...v.items.values()]);
  if (v instanceof RObject) return [...v.entries.values()].map(([, x]) => x);
  return undefined;
}

const BUILTINS: Record<string, Builtin> = {
  equal: (a, b) => bool(compare(a, b) === 0),
  neq: (a, b) => bool(compare(a, b) !== 0),
  lt: (a, b) => bool(compare(a, b) < 0),
  lte: (a, b) => bool(compare(a, b) <= 0),
  gt: (a, b) => bool(compare(a, b) > 0),
  gte: (a, b) => bool(compare(a, b) >= 0),
  plus: arith((a, b) => a + b),
  minus: (a, b) => {
    if (num(a) && num(b)) return a - b;
    if (a instanceof RSet && b instanceof RSet) {
      const out = new RSet();
      for (const x of a.items.values()) if (!b.has(x)) out.add(x);
      return out;
    }
    return undefined;
  },
  mul: arith((a, b) => a * b),
  div: (a, b) => {
    if (!num(a) || !num(b)) return undefined;
    if (b === 0) throw new EvalError('eval_builtin_error', 'div: divide by zero');
    return a / b;
  },
  rem: (a, b) => {
    if (!num(a) || !num(b)) return undefined;
    if (b === 0) throw new EvalError('eval_builtin_error', 'rem: modulo by zero');
    return a % b;
  },
  abs: (a) => (num(a) ? Math.abs(a) : undefined),
  round: (a) => (num(a) ? Math.sign(a) * Math.round(Math.abs(a)) : undefined),
  ceil: (a) => (num(a) ? Math.ceil(a) : undefined),
  floor: (a) => (num(a) ? Math.floor(a) : undefined),
  and: (a, b) => {
    if (!(a instanceof RSet) || !(b instanceof RSet)) return undefined;
    const out = new RSet();
    for (const x of a.items.values()) if (b.has(x)) out.add(x);
    return out;
  },
  or: (a, b) => {
    if (!(a instanceof RSet) || !(b instanceof RSet)) return undefined;
    const out = new RSet();
    for (const x of [...a.items.values(), ...b.items.values()]) out.add(x);
    return out;
  },
  count: (a) => (str(a) ? [...a].length : length(a)),
  sum: (a) => collection(a)?.reduce<number>((s, x) => s + (x as number), 0),
  product: (a) => collection(a)?.reduce<number>((s, x) => s * (x as number), 1),
  max: (a) => {
    const c = collection(a);
    return c === undefined || c.length === 0 ? undefined : sorted([...c])[c.length - 1];
  },
  min: (a) => {
    const c = collection(a);
    return c === undefined || c.length === 0 ? undefined : sorted([...c])[0];
  },
  sort: (a) => (Array.isArray(a) || a instanceof RSet ? sorted([...collection(a)!]) : undefined),
  concat: (sep, xs) => (str(sep) && (Array.isArray(xs) || xs instanceof RSet) ? collection(xs)!.join(sep) : undefined),
  split: (s, sep) => (str(s) && str(sep) ? s.split(sep) : undefined),
  trim: (s, cut) => {
    if (!str(s) || !str(cut)) return undefined;
    let a = 0;
    let b = s.length;
    while (a < b && cut.includes(s[a]!)) a++;
    while (b > a && cut.includes(s[b - 1]!)) b--;
    return s.slice(a, b);
  },
  startswith: (s, p) => (str(s) && str(p) ? s.startsWith(p) : undefined),
  endswith: (s, p) => (str(s) && str(p) ? s.endsWith(p) : undefined),
  contains: (s, p) => (str(s) && str(p) ? s.includes(p) : undefined),
  lower: (s) => (str(s) ? s.toLowerCase() : undefined),
  upper: (s) => (str(s) ? s.toUpperCase() : undefined),
  to_number: (s) => (num(s) ? s : str(s) && s.trim() !== '' && !Number.isNaN(Number(s)) ? Number(s) : typeof s === 'boolean' ? Number(s) : s === null ? 0 : undefined),
  format_int: (n, base) => (num(n) && num(base) ? Math.trunc(n).toString(base) : undefined),
  'numbers.range': (a, b) => {
    if (!num(a) || !num(b)) return undefined;
    const out: RValue[] = [];
    if (a <= b) for (let i = a; i <= b; i++) out.push(i);
    else for (let i = a; i >= b; i--) out.push(i);
    return out;
  },
  'array.slice': (a, i, j) => {
    if (!Array.isArray(a) || !num(i) || !num(j)) return undefined;
    const lo = Math.max(0, i);
    const hi = Math.min(a.length, j);
    return lo >= hi ? [] : a.slice(lo, hi);
  },
  'array.concat': (a, b) => {
    if (!Array.isArray(a)) throw new EvalError('eval_type_error', `array.concat: operand 1 must be array but got ${typeName(a)}`);
    if (!Array.isArray(b)) throw new EvalError('eval_type_error', `array.concat: operand 2 must be array but got ${typeName(b)}`);
    return [...a, ...b];
  },
  'array.reverse': (a) => (Array.isArray(a) ? [...a].reverse() : undefined),
  'object.get': (o, k, d) => {
    if (!(o instanceof RObject)) return undefined;
    if (Array.isArray(k)) {
      let cur: RValue | undefined = o;
      for (const p of k) {
        cur = cur === undefined ? undefined : dot(cur, p);
        if (cur === undefined) return d;
      }
      return cur;
    }
    return o.get(k) ?? d;
  },
  'object.keys': (o) => {
    if (!(o instanceof RObject)) return undefined;
    const out = new RSet();
    for (const [k] of o.entries.values()) out.add(k);
    return out;
  },
  'object.union': (a, b) => unionObjects(a, b),
  'object.union_n': (xs) => {
    if (!Array.isArray(xs)) return undefined;
    let acc: RValue | undefined = new RObject();
    for (const x of xs) acc = acc === undefined ? undefined : unionObjects(acc, x);
    return acc;
  },
  'object.remove': (o, ks) => {
    if (!(o instanceof RObject)) return undefined;
    const drop = new RSet();
    if (Array.isArray(ks) || ks instanceof RSet) for (const k of collection(ks)!) drop.add(k);
    else if (ks instanceof RObject) for (const [k] of ks.entries.values()) drop.add(k);
    else return undefined;
    const out = new RObject();
    for (const [k, v] of o.entries.values()) if (!drop.has(k)) out.set(k, v);
    return out;
  },
  union: (xs) => {
    if (!(xs instanceof RSet)) return undefined;
    const out = new RSet();
    for (const s of xs.items.values()) if (s instanceof RSet) for (const x of s.items.values()) out.add(x);
    return out;
  },
  intersection: (xs) => {
    if (!(xs instanceof RSet)) return undefined;
    const sets = [...xs.items.values()].filter((s): s is RSet => s instanceof RSet);
    const out = new RSet();
    if (sets.length === 0) return out;
    for (const x of sets[0]!.items.values()) if (sets.every((s) => s.has(x))) out.add(x);
    return out;
  },
  is_number: (v) => num(v),
  is_string: (v) => str(v),
  is_boolean: (v) => typeof v === 'boolean',
  is_array: (v) => Array.isArray(v),
  is_set: (v) => v instanceof RSet,
  is_object: (v) => v instanceof RObject,
  is_null: (v) => v === null,
  type_name: (v) => typeName(v),
  'time.now_ns': () => 1_700_000_000_000_000_000,
  sprintf: (f, xs) => (str(f) && Array.isArray(xs) ? f.replace(/%[vds]/g, () => String(toJSON(xs.shift() ?? null))) : undefined),
  walk: (v) => {
    const out: RValue[] = [];
    const go = (path: RValue[], x: RValue): void => {
      out.push([path, x]);
      for (const [k, c] of elements(x)) go([...path, k], c);
    };
    go([], v);
    return out;
  },
};

function unionObjects(a: RValue, b: RValue): RValue | undefined {
  if (!(a instanceof RObject) || !(b instanceof RObject)) return undefined;
  const out = new RObject();
  for (const [k, v] of a.entries.values()) out.set(k, v);
  for (const [k, v] of b.entries.values()) {
    const cur = out.get(k);
    out.set(k, cur instanceof RObject && v instanceof RObject ? unionObjects(cur, v)! : v);
  }
  return out;
}

function typeName(v: RValue): string {
  return ['null', 'boolean', 'number', 'string', 'array', 'object', 'set'][rank(v)]!;
}
