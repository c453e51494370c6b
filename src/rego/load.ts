// The one way a policy.wasm is loaded — by the policy workers, the conformance runner, the tests and the
// benchmarks: instantiated against the OPA ABI imports and driven by the SDK's own `LoadedPolicy`, so a
// module built by `opa build -t wasm` and one built by us are evaluated by exactly the same code (for ABI
// ≥ 1.2, `FastEval` below: the SDK's opa_eval fast path without its per-call copies).
//
// Why not the SDK's `loadPolicy(wasm, memory, customBuiltins)`: it consults its own builtins before
// custom ones, so its C-style `sprintf` would shadow ours (Go fmt, as OPA), and its abort handler decodes
// messages as Latin-1 and throws bare strings. The import object below is the SDK's with those two fixed.
import { createRequire } from 'node:module';
import type * as OpaSdk from '@open-policy-agent/opa-wasm';
import { createHostBuiltins, type HostBuiltin, type HostBuiltinOptions } from './host-builtins.js';
import { BuiltinError } from './lib/builtin-error.js';
import { parseRegoValue, takesRegoValues, writeRegoValue, type RValue } from './lib/rego-value.js';

const sdk = createRequire(import.meta.url)('@open-policy-agent/opa-wasm') as typeof OpaSdk;

/** Codes of errors raised while evaluating, as OPA's topdown names them. */
export type RegoEvalErrorCode = 'eval_conflict_error' | 'eval_type_error' | 'eval_builtin_error' | 'eval_internal_error';

export class RegoEvalError extends Error {
  override readonly name = 'RegoEvalError';
  constructor(
    readonly code: RegoEvalErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
  toJSON(): { code: RegoEvalErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

export interface LoadOptions extends HostBuiltinOptions {
  /** A builtin that fails aborts the evaluation (eval_builtin_error / eval_type_error) instead of being
   *  undefined — OPA's StrictBuiltinErrors. Host builtins follow it; so do compiled-in ones when the module
   *  exports a mutable `strict_builtin_errors` global (ours). Default false, as OPA. */
  strictBuiltinErrors?: boolean;
  /** Initial/maximum linear memory in 64 KiB pages; default 5 initial (the SDK's), no maximum. */
  memory?: { initial?: number; maximum?: number };
}

export type ResultSet = { result: unknown }[];

export interface RegoPolicy {
  /** Entrypoint names to ids, as the module's `entrypoints()` export lists them. */
  readonly entrypoints: Readonly<Record<string, number>>;
  /** `1.3` for ours; OPA's modules say 1.1–1.3. */
  readonly abiVersion: string;
  /** Builtins the module imports from the host, by Rego name. */
  readonly importedBuiltins: readonly string[];
  /** Imported builtins the host has no implementation of (an evaluation calling one fails). */
  readonly missingBuiltins: readonly string[];
  /** Replaces `data` for the evaluations that follow. */
  setData(data: unknown): void;
  /** One evaluation: a fresh `time.now_ns`, the input as JSON (undefined = no input). */
  evaluate(input: unknown, entrypoint?: string | number): ResultSet;
  /** As `evaluate`, with the input already JSON text (or its UTF-8 bytes): skips a stringify per call. */
  evaluateJson(input: string | Uint8Array, entrypoint?: string | number): ResultSet;
}

export async function loadRegoPolicy(wasm: Uint8Array | WebAssembly.Module, data?: unknown, options: LoadOptions = {}): Promise<RegoPolicy> {
  const module = wasm instanceof WebAssembly.Module ? wasm : await WebAssembly.compile(new Uint8Array(wasm));
  const memory = new WebAssembly.Memory({ initial: options.memory?.initial ?? 5, ...(options.memory?.maximum ? { maximum: options.memory.maximum } : {}) });
  const host = createHostBuiltins(options);
  const idToName = new Map<number, string>();
  const state: { instance?: WebAssembly.Instance } = {};
  const instance = await WebAssembly.instantiate(module, importObject(memory, state, idToName, host.builtins, options.strictBuiltinErrors ?? false));
  state.instance = instance;
  const exports = instance.exports as unknown as AbiExports;

  const major = globalValue(exports.opa_wasm_abi_version);
  const minor = globalValue(exports.opa_wasm_abi_minor_version);
  if (major !== undefined && major !== 1) throw new TypeError(`unsupported OPA Wasm ABI version ${major}`);
  const imported = dumpJson(exports, memory, exports.builtins()) as Record<string, number>;
  for (const [name, id] of Object.entries(imported)) idToName.set(id, name);

  if (options.strictBuiltinErrors) setStrict(instance.exports.strict_builtin_errors);
  const loaded = new sdk.LoadedPolicy(instance as unknown as WebAssembly.WebAssemblyInstantiatedSource, memory, minor ?? 0);
  if (data !== undefined) loaded.setData(data as object);
  const entrypoints = loaded.entrypoints as Record<string, number>;
  const encoder = new TextEncoder();
  const entrypointId = (entrypoint: string | number): number => {
    if (typeof entrypoint === 'number') return entrypoint;
    const id = Object.hasOwn(entrypoints, entrypoint) ? entrypoints[entrypoint] : undefined;
    if (id === undefined) {
      throw new TypeError(`unknown entrypoint '${entrypoint}' (the module has: ${Object.keys(entrypoints).join(', ')})`);
    }
    return id;
  };
  const run = (bytes: ArrayBuffer | undefined, entrypoint: string | number): ResultSet => {
    const id = entrypointId(entrypoint);
    host.startEvaluation();
    return loaded.evaluate(bytes, id) as ResultSet;
  };
  // ABI ≥ 1.2: the SDK's own fast path (input at the data heap pointer, one opa_eval call, the result's
  // JSON read back), without its per-call copies: the input is encoded straight into linear memory and
  // the result decoded with one decoder.
  const fast = (minor ?? 0) >= 2 && typeof exports.opa_eval === 'function' ? new FastEval(memory, exports.opa_eval, loaded) : undefined;
  return {
    entrypoints,
    abiVersion: `${major ?? 1}.${minor ?? 0}`,
    importedBuiltins: Object.keys(imported),
    missingBuiltins: Object.keys(imported).filter((n) => !(n in host.builtins)),
    setData(d) {
      loaded.setData(d as object);
    },
    evaluate(input, entrypoint = 0) {
      if (fast) {
        const id = entrypointId(entrypoint);
        host.startEvaluation();
        return fast.evaluate(input === undefined ? undefined : JSON.stringify(input), id);
      }
      // Always hand the SDK bytes: it treats a falsy input (false, 0, null, "") as no input at all.
      return run(input === undefined ? undefined : encoder.encode(JSON.stringify(input)).buffer, entrypoint);
    },
    evaluateJson(input, entrypoint = 0) {
      if (fast) {
        const id = entrypointId(entrypoint);
        host.startEvaluation();
        return fast.evaluate(input, id);
      }
      const bytes = typeof input === 'string' ? encoder.encode(input) : input;
      // The SDK wants an ArrayBuffer holding exactly the input.
      const exact = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer;
      return run(exact as ArrayBuffer, entrypoint);
    },
  };
}

type OpaEval = (reserved: number, entrypoint: number, data: number, input: number, inputLen: number, heapPtr: number, format: number) => number;

/** One evaluation through `opa_eval` as the SDK's LoadedPolicy does it, on the data it loaded. */
class FastEval {
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly opaEval: OpaEval,
    private readonly loaded: { dataAddr: number; dataHeapPtr: number },
  ) {}

  evaluate(input: string | Uint8Array | undefined, entrypoint: number): ResultSet {
    const at = this.loaded.dataHeapPtr;
    let len = 0;
    if (typeof input === 'string') {
      // UTF-8 takes at most 3 bytes per UTF-16 unit.
      this.reserve(at + input.length * 3);
      len = this.encoder.encodeInto(input, new Uint8Array(this.memory.buffer, at)).written;
    } else if (input !== undefined) {
      this.reserve(at + input.byteLength);
      new Uint8Array(this.memory.buffer).set(input, at);
      len = input.byteLength;
    }
    const out = this.opaEval(0, entrypoint, this.loaded.dataAddr, at, len, at + len, 0);
    const bytes = new Uint8Array(this.memory.buffer);
    const end = bytes.indexOf(0, out);
    return JSON.parse(this.decoder.decode(bytes.subarray(out, end))) as ResultSet;
  }

  private reserve(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / 65536));
  }
}

interface AbiExports {
  opa_wasm_abi_version?: WebAssembly.Global | number;
  opa_wasm_abi_minor_version?: WebAssembly.Global | number;
  builtins(): number;
  opa_json_dump(addr: number): number;
  opa_json_parse(addr: number, len: number): number;
  opa_value_dump(addr: number): number;
  opa_value_parse(addr: number, len: number): number;
  opa_malloc(len: number): number;
  opa_eval?: OpaEval;
}

function setStrict(g: unknown): void {
  if (!(g instanceof WebAssembly.Global)) return;
  try {
    g.value = 1;
  } catch {
    // Immutable: the module was built with its own setting (compileRego's strictBuiltinErrors).
  }
}

function globalValue(g: WebAssembly.Global | number | undefined): number | undefined {
  if (g === undefined) return undefined;
  return typeof g === 'number' ? g : (g.value as number);
}

function cString(memory: WebAssembly.Memory, addr: number): string {
  const bytes = new Uint8Array(memory.buffer);
  let end = addr;
  while (bytes[end] !== 0) end++;
  return new TextDecoder().decode(bytes.subarray(addr, end));
}

function dumpJson(exports: AbiExports, memory: WebAssembly.Memory, value: number): unknown {
  return JSON.parse(cString(memory, exports.opa_json_dump(value)));
}

/** A host builtin's JSON result into the module; a bigint is written as its exact digits. */
function loadJson(exports: AbiExports, memory: WebAssembly.Memory, value: unknown): number {
  if (value === undefined) return 0;
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `\u0000big:${v}` : v)).replace(/"\\u0000big:(-?\d+)"/g, '$1');
  const bytes = new TextEncoder().encode(text);
  const addr = exports.opa_malloc(bytes.length);
  new Uint8Array(memory.buffer).set(bytes, addr);
  const parsed = exports.opa_json_parse(addr, bytes.length);
  if (parsed === 0) throw new RegoEvalError('eval_internal_error', 'host builtin result is not valid JSON');
  return parsed;
}

function dumpValue(exports: AbiExports, memory: WebAssembly.Memory, value: number): RValue {
  return parseRegoValue(cString(memory, exports.opa_value_dump(value)));
}

function loadValue(exports: AbiExports, memory: WebAssembly.Memory, value: RValue | undefined): number {
  if (value === undefined) return 0;
  const bytes = new TextEncoder().encode(writeRegoValue(value));
  const addr = exports.opa_malloc(bytes.length);
  new Uint8Array(memory.buffer).set(bytes, addr);
  const parsed = exports.opa_value_parse(addr, bytes.length);
  if (parsed === 0) throw new RegoEvalError('eval_internal_error', 'host builtin result is not a valid Rego value');
  return parsed;
}

const abortCodes = /^(eval_conflict_error|eval_type_error|eval_builtin_error|eval_internal_error): ?/;

/** Our runtime aborts with "<code>: <message>"; OPA's modules with plain text (conflicts, mostly). */
function abortError(message: string): RegoEvalError {
  const m = abortCodes.exec(message);
  if (m) return new RegoEvalError(m[1] as RegoEvalErrorCode, message.slice(m[0].length));
  if (/conflict|multiple outputs|must be unique/.test(message)) return new RegoEvalError('eval_conflict_error', message);
  return new RegoEvalError('eval_internal_error', message);
}

function importObject(
  memory: WebAssembly.Memory,
  state: { instance?: WebAssembly.Instance },
  idToName: Map<number, string>,
  builtins: Readonly<Record<string, HostBuiltin>>,
  strict: boolean,
): WebAssembly.Imports {
  const call = (id: number, args: number[]): number => {
    const exports = state.instance?.exports as unknown as AbiExports;
    const name = idToName.get(id) ?? `#${id}`;
    const impl = builtins[name];
    if (!impl) throw new RegoEvalError('eval_builtin_error', `not implemented: built-in function ${name}`);
    const rego = takesRegoValues(impl);
    let result: unknown;
    try {
      result = impl(...args.map((a) => (rego ? dumpValue(exports, memory, a) : dumpJson(exports, memory, a))));
    } catch (err) {
      if (!strict) return 0;
      const message = err instanceof Error ? err.message : String(err);
      const code = err instanceof BuiltinError ? err.code : 'eval_builtin_error';
      throw new RegoEvalError(code, message.startsWith(`${name}:`) ? message : `${name}: ${message}`, { cause: err });
    }
    return rego ? loadValue(exports, memory, result as RValue | undefined) : loadJson(exports, memory, result);
  };
  return {
    env: {
      memory,
      opa_abort: (addr: number) => {
        throw abortError(cString(memory, addr));
      },
      opa_println: (addr: number) => {
        console.log(cString(memory, addr));
      },
      opa_builtin0: (id: number, _ctx: number) => call(id, []),
      opa_builtin1: (id: number, _ctx: number, a: number) => call(id, [a]),
      opa_builtin2: (id: number, _ctx: number, a: number, b: number) => call(id, [a, b]),
      opa_builtin3: (id: number, _ctx: number, a: number, b: number, c: number) => call(id, [a, b, c]),
      opa_builtin4: (id: number, _ctx: number, a: number, b: number, c: number, d: number) => call(id, [a, b, c, d]),
    },
  };
}
