// Public face of the Rego compiler: Rego sources and entrypoints in, an OPA-ABI policy.wasm (or a whole
// OPA bundle) out. The work is a named table of passes — parse, check, plan, wasm — so each can be timed,
// skipped in a test, or have another inserted between them.
import type { Diagnostic, Location, Module } from './ast/types.js';
import type { Bundle } from './bundle/index.js';
import { check } from './check/index.js';
import { parseModule } from './parser/index.js';
import { plan } from './plan/index.js';
import type { Policy } from './plan/ir.js';
import { generateWasm } from './wasm/index.js';

export { formatDiagnostic, type Diagnostic } from './ast/types.js';
export { loadRegoPolicy, RegoEvalError, type RegoPolicy, type ResultSet } from './load.js';

export interface SourceFile {
  path: string;
  source: string;
}

export interface CompileOptions {
  files: readonly SourceFile[];
  /** Entrypoints as `opa build -e` takes them: `example/allow`, or a package such as `example`. */
  entrypoints: readonly string[];
  /** 1 (default, OPA 1.x) or 0 (`--v0-compatible`; a file with `import rego.v1` is still v1). */
  regoVersion?: 0 | 1;
  /** The base document the policy will run with; bundled as data.json by `buildBundle`. */
  data?: Record<string, unknown>;
  /** OPA's strict builtin errors: a builtin's operand error aborts the evaluation instead of making the
   *  call undefined. Default false, as `opa build`. */
  strictBuiltinErrors?: boolean;
  /** Passes to leave out (tests: e.g. `['check']`). */
  skip?: readonly PassName[];
  /** Filled with each pass's wall time in milliseconds. */
  timings?: Partial<Record<PassName, number>>;
}

export interface CompileResult {
  wasm?: Uint8Array;
  /** Every diagnostic of the first pass that reported errors, sorted by location. */
  diagnostics: Diagnostic[];
}

export type PassName = 'parse' | 'check' | 'plan' | 'wasm';

/** What the passes hand each other. */
export interface CompileState {
  readonly options: CompileOptions;
  modules: Module[];
  policy?: Policy;
  wasm?: Uint8Array;
  diagnostics: Diagnostic[];
}

export interface Pass {
  name: PassName;
  run(state: CompileState): void;
}

const noLocation: Location = { file: '', line: 0, col: 0 };

export const passes: readonly Pass[] = [
  {
    name: 'parse',
    run(state) {
      const regoVersion = state.options.regoVersion ?? 1;
      for (const f of state.options.files) {
        const r = parseModule(f.path, f.source, { regoVersion });
        state.diagnostics.push(...r.diagnostics);
        if (r.module) state.modules.push(r.module);
      }
    },
  },
  {
    name: 'check',
    run(state) {
      const r = check(state.modules);
      state.diagnostics.push(...r.diagnostics);
      state.modules = r.modules;
    },
  },
  {
    name: 'plan',
    run(state) {
      const r = plan(state.modules, [...state.options.entrypoints], { files: state.options.files.map((f) => f.path) });
      state.diagnostics.push(...r.diagnostics);
      if (r.policy) state.policy = r.policy;
    },
  },
  {
    name: 'wasm',
    run(state) {
      if (!state.policy) return;
      state.wasm = generateWasm(state.policy, { strictBuiltinErrors: state.options.strictBuiltinErrors ?? false });
    },
  },
];

export function compileRego(options: CompileOptions): CompileResult {
  if (!Array.isArray(options.files)) throw new TypeError('compileRego: files must be an array of {path, source}');
  if (!Array.isArray(options.entrypoints) || options.entrypoints.length === 0) {
    return { diagnostics: [{ code: 'rego_compile_error', message: 'at least one entrypoint is required', location: noLocation }] };
  }
  const state: CompileState = { options, modules: [], diagnostics: [] };
  for (const pass of passes) {
    if (options.skip?.includes(pass.name)) continue;
    const start = performance.now();
    try {
      pass.run(state);
    } catch (err) {
      state.diagnostics.push(internalDiagnostic(pass.name, err));
    }
    if (options.timings) options.timings[pass.name] = performance.now() - start;
    if (state.diagnostics.length > 0) break;
  }
  sortByLocation(state.diagnostics);
  return state.diagnostics.length > 0 || !state.wasm ? { diagnostics: state.diagnostics } : { wasm: state.wasm, diagnostics: [] };
}

/** A pass that throws is a bug or a gap in that pass; it surfaces as a diagnostic, not a crash. */
function internalDiagnostic(pass: PassName, err: unknown): Diagnostic {
  const e = err as { code?: unknown; location?: unknown; message?: unknown; toDiagnostic?: () => Diagnostic };
  if (typeof e?.toDiagnostic === 'function') return e.toDiagnostic();
  const message = err instanceof Error ? err.message : String(err);
  const unsupported = /not supported|unsupported/i.test(message);
  return { code: unsupported ? 'rego_unsupported_error' : 'rego_compile_error', message: `${pass}: ${message}`, location: noLocation };
}

function sortByLocation(diagnostics: Diagnostic[]): void {
  diagnostics.sort(
    (a, b) =>
      (a.location.file < b.location.file ? -1 : a.location.file > b.location.file ? 1 : 0) ||
      a.location.line - b.location.line ||
      a.location.col - b.location.col,
  );
}

export interface BuildBundleOptions extends CompileOptions {
  /** Manifest revision; default "". */
  revision?: string;
  /** Manifest roots; default [""] (the whole tree), as `opa build` without --bundle. */
  roots?: string[];
}

/** Compiles and packages as `opa build -t wasm`: /policy.wasm, /data.json, the sources, /.manifest. */
export function buildBundle(options: BuildBundleOptions): { bundle?: Bundle; diagnostics: Diagnostic[] } {
  const { wasm, diagnostics } = compileRego(options);
  if (!wasm) return { diagnostics };
  const bundle: Bundle = {
    manifest: {
      revision: options.revision ?? '',
      roots: options.roots ?? [''],
      wasm: options.entrypoints.map((entrypoint) => ({ entrypoint, module: '/policy.wasm' })),
      rego_version: options.regoVersion ?? 1,
    },
    data: options.data ?? {},
    wasmModules: { '/policy.wasm': wasm },
    modules: options.files.map((f) => ({ path: f.path.replace(/^\.?\/+/, ''), source: f.source })),
  };
  return { bundle, diagnostics: [] };
}
