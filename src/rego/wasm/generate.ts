// IR → policy.wasm: the runtime module plus the policy's functions, its static data segment and the
// bodies of the three placeholder functions (policy_eval, policy_entrypoints, policy_builtins).
// Function indices of the runtime are unchanged; generated functions are appended after them.

import type { Policy } from '../plan/ir.js';
import { ByteWriter, OP, SECTION, writeModule, type RawSection } from './binary.js';
import { FunctionLowering, GenerateError, MEMO_MAX_ARGS, type LowerEnv } from './lower.js';
import { encodeType, loadRuntime, type FuncType, type RuntimeModule } from './runtime-module.js';
import { StaticData } from './static-data.js';

const I32 = OP.i32;

function align(n: number, a: number): number {
  return (n + a - 1) & ~(a - 1);
}

function vecSection(id: number, items: Uint8Array[], count = items.length): RawSection {
  const w = new ByteWriter(1024);
  w.u32(count);
  for (const it of items) w.bytes(it);
  return { id, body: w.finish() };
}

/** Builtin name → runtime export name (`object.get` → `b_object_get`). */
export function builtinExportName(name: string): string {
  return `b_${name.replace(/\./g, '_')}`;
}

export interface GenerateOptions {
  /** OPA's strict-builtin-errors: builtin type errors abort evaluation (eval_type_error) instead of
   *  making the call undefined. Default false, as `opa build`. */
  strictBuiltinErrors?: boolean;
  /** The runtime to build on (tests); default build/rego-runtime.wasm. */
  runtime?: RuntimeModule;
}

export function generateWasm(policy: Policy, options: GenerateOptions = {}): Uint8Array {
  const rt = options.runtime ?? loadRuntime();
  const data = new StaticData(align(rt.dataEnd, 16));
  const firstNew = rt.importedFuncs + rt.funcTypes.length;

  const types: FuncType[] = [...rt.types];
  const typeIndex = new Map<string, number>(types.map((t, i) => [`${t.params}|${t.results}`, i]));
  const typeOf = (params: number): number => {
    const t: FuncType = { params: new Array<number>(params).fill(I32), results: [I32] };
    const key = `${t.params}|${t.results}`;
    let i = typeIndex.get(key);
    if (i === undefined) {
      i = types.length;
      types.push(t);
      typeIndex.set(key, i);
    }
    return i;
  };

  const funcs = new Map<string, { index: number; params: number }>();
  policy.funcs.forEach((f, i) => {
    funcs.set(f.name, { index: firstNew + policy.plans.length + i, params: f.params.length });
  });
  // Complete rules (no parameters beyond input and data) are computed once per evaluation: each gets a
  // slot in the runtime's memo (memo.ts), which policy_eval resets and With blocks push and pop.
  // Functions with a few arguments are remembered per argument identity, under ids of their own.
  const memoSlots = new Map<string, number>();
  const memoFuncs = new Map<string, number>();
  for (const f of policy.funcs) {
    if (f.params.length === 2 && !memoSlots.has(f.name)) memoSlots.set(f.name, memoSlots.size);
    else if (f.params.length > 2 && f.params.length <= 2 + MEMO_MAX_ARGS && !memoFuncs.has(f.name)) memoFuncs.set(f.name, memoFuncs.size);
  }

  const rtIndex = (name: string): number => {
    const i = rt.funcExports.get(name);
    if (i === undefined) throw new GenerateError(`wasm: runtime does not export ${name}`);
    return i;
  };
  const paramCount = (index: number): number => {
    const t = rt.types[rt.funcTypes[index - rt.importedFuncs] ?? -1];
    return t ? t.params.length : -1;
  };

  const hostIds = new Map<string, number>();
  const env: LowerEnv = {
    strings: policy.static.strings,
    data,
    rt: rtIndex,
    func: (name) => funcs.get(name),
    builtin: (name, arity) => {
      const index = rt.funcExports.get(builtinExportName(name));
      if (index !== undefined && paramCount(index) === arity) return { index };
      let id = hostIds.get(name);
      if (id === undefined) {
        id = hostIds.size;
        hostIds.set(name, id);
      }
      return { hostId: id };
    },
    funcsByPath: policy.funcs.map((f) => ({ path: f.path, name: f.name })),
    memo: memoSlots.size + memoFuncs.size > 0,
    memoFrameGlobal: rt.globalExports.get('memo_frame'),
  };

  // Plans: (input, data) → result set.
  const newTypes: number[] = [];
  const newBodies: Uint8Array[] = [];
  for (const plan of policy.plans) {
    const f = new FunctionLowering(env, [0, 1], false);
    f.analyze(plan.blocks, []);
    f.resultSet = f.temp();
    f.callRt('opa_set');
    f.set(f.resultSet);
    for (const b of plan.blocks) f.block(b);
    newTypes.push(typeOf(2));
    newBodies.push(f.finish((x) => x.get(x.resultSet)));
  }
  for (const fn of policy.funcs) {
    const f = new FunctionLowering(env, fn.params, fn.params.length > 2);
    f.analyze(fn.blocks, [fn.return]);
    const slot = memoSlots.get(fn.name);
    const id = memoFuncs.get(fn.name);
    if (slot !== undefined) f.memoize(slot);
    else if (id !== undefined) f.memoize(id, fn.params.slice(2).map((_, i) => i + 2));
    for (const b of fn.blocks) f.block(b);
    newTypes.push(typeOf(fn.params.length));
    newBodies.push(
      f.finish((x) => {
        x.memoStore(x.local(fn.return));
        x.get(x.local(fn.return));
      }),
    );
  }

  // Placeholders.
  const bodies = [...rt.bodies];
  const replace = (name: string, body: Uint8Array): void => {
    bodies[rtIndex(name) - rt.importedFuncs] = body;
  };
  {
    // policy_eval(ep, input, data): dispatch by entrypoint id.
    const f = new FunctionLowering(env, [-1, 0, 1], false);
    if (memoSlots.size + memoFuncs.size > 0) {
      f.i32(memoSlots.size);
      f.callRt('opa_memoize_init');
    }
    policy.plans.forEach((_, i) => {
      f.get(0);
      f.i32(i);
      f.op(OP.i32Eq);
      f.op(OP.if);
      f.op(OP.void);
      f.get(1);
      f.get(2);
      f.call(firstNew + i);
      f.op(OP.return);
      f.op(OP.end);
    });
    // No such plan: abort as OPA's modules do.
    f.i32(data.cstr('eval_internal_error'));
    f.i32(data.cstr('illegal entrypoint id'));
    f.callRt('opa_runtime_error');
    replace('policy_eval', f.finish((x) => x.i32(0)));
  }
  const nameTable = (entries: [string, number][]): Uint8Array => {
    const f = new FunctionLowering(env, [], false);
    const o = f.temp();
    f.callRt('opa_object');
    f.set(o);
    for (const [name, id] of entries) {
      f.get(o);
      f.i32(data.string(name));
      f.i32(data.int(BigInt(id)));
      f.callRt('opa_object_insert');
    }
    return f.finish((x) => x.get(o));
  };
  replace('policy_entrypoints', nameTable(policy.plans.map((p, i) => [p.name, i])));
  replace('policy_builtins', nameTable([...hostIds]));

  // Memory: static data right after the runtime's, the heap after that.
  const heapStart = align(data.base + data.size, 16);
  const globals = [...rt.globals];
  const setGlobal = (name: string, value: number): void => {
    const g = rt.globalExports.get(name);
    if (g === undefined) throw new GenerateError(`wasm: runtime does not export the global ${name}`);
    const w = new ByteWriter(8);
    w.byte(I32);
    w.byte(1);
    w.byte(OP.i32Const);
    w.i32(value);
    w.byte(OP.end);
    globals[g] = w.finish();
  };
  setGlobal('heap_start', heapStart);
  if (options.strictBuiltinErrors) setGlobal('strict_builtin_errors', 1);
  const imports = [...rt.imports];
  {
    const m = rt.memoryImport;
    const w = new ByteWriter(32);
    w.name(m.module);
    w.name(m.field);
    w.byte(2);
    const min = Math.max(m.min, Math.ceil(heapStart / 65536));
    w.byte(m.flags);
    w.u32(min);
    if (m.max !== undefined) w.u32(Math.max(m.max, min));
    imports[m.index] = w.finish();
  }

  const sections: RawSection[] = [];
  sections.push(vecSection(SECTION.type, types.map(encodeType)));
  sections.push(vecSection(SECTION.import, imports));
  {
    const w = new ByteWriter(256);
    const all = [...rt.funcTypes, ...newTypes];
    w.u32(all.length);
    for (const t of all) w.u32(t);
    sections.push({ id: SECTION.function, body: w.finish() });
  }
  for (const s of rt.passthrough) if (s.id === SECTION.table) sections.push(s);
  sections.push(vecSection(SECTION.global, globals));
  {
    const w = new ByteWriter(2048);
    w.u32(rt.exports.length);
    for (const e of rt.exports) {
      w.name(e.name);
      w.byte(e.kind);
      w.u32(e.index);
    }
    sections.push({ id: SECTION.export, body: w.finish() });
  }
  for (const s of rt.passthrough) if (s.id === SECTION.element) sections.push(s);
  const segments = [...rt.dataSegments];
  if (data.size > 0) {
    const w = new ByteWriter(data.size + 16);
    w.u32(0);
    w.byte(OP.i32Const);
    w.i32(data.base);
    w.byte(OP.end);
    w.vec(data.bytes());
    segments.push(w.finish());
  }
  if (rt.hasDataCount) {
    const w = new ByteWriter(8);
    w.u32(segments.length);
    sections.push({ id: SECTION.datacount, body: w.finish() });
  }
  {
    const all = [...bodies, ...newBodies];
    const w = new ByteWriter(64 * 1024);
    w.u32(all.length);
    for (const b of all) w.vec(b);
    sections.push({ id: SECTION.code, body: w.finish() });
  }
  sections.push(vecSection(SECTION.data, segments));
  return writeModule(sections);
}
