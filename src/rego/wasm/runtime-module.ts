// The runtime module (build/rego-runtime.wasm) taken apart once per process: its types, imports,
// functions, globals, exports, code bodies and data, ready for the code generator to extend.

import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ByteReader, ByteWriter, readSections, skipInitExpr, SECTION, type RawSection } from './binary.js';

export interface FuncType {
  params: number[];
  results: number[];
}

export interface RuntimeModule {
  types: FuncType[];
  /** Raw import section entries, in order; memory import details for patching its minimum. */
  imports: Uint8Array[];
  memoryImport: { index: number; module: string; field: string; flags: number; min: number; max?: number };
  importedFuncs: number;
  /** Type index of each defined function (function index = importedFuncs + i). */
  funcTypes: number[];
  /** Global entries as raw bytes (valtype, mut, init expr). */
  globals: Uint8Array[];
  exports: { name: string; kind: number; index: number }[];
  funcExports: Map<string, number>;
  globalExports: Map<string, number>;
  bodies: Uint8Array[];
  dataSegments: Uint8Array[];
  /** End of the runtime's static data: the appended data starts at or above this address. */
  dataEnd: number;
  /** Sections copied as they are (table, element). */
  passthrough: RawSection[];
  hasDataCount: boolean;
}

function parseRuntime(bytes: Uint8Array): RuntimeModule {
  const m: RuntimeModule = {
    types: [], imports: [], memoryImport: { index: -1, module: '', field: '', flags: 0, min: 0 },
    importedFuncs: 0, funcTypes: [], globals: [], exports: [], funcExports: new Map(), globalExports: new Map(),
    bodies: [], dataSegments: [], dataEnd: 0, passthrough: [], hasDataCount: false,
  };
  for (const s of readSections(bytes)) {
    const r = new ByteReader(s.body);
    switch (s.id) {
      case SECTION.type: {
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          if (r.byte() !== 0x60) throw new TypeError('wasm: unsupported type form');
          const params = Array.from(r.bytes(r.u32()));
          const results = Array.from(r.bytes(r.u32()));
          m.types.push({ params, results });
        }
        break;
      }
      case SECTION.import: {
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const start = r.pos;
          const module = r.name();
          const field = r.name();
          const kind = r.byte();
          if (kind === 0) {
            r.u32();
            m.importedFuncs++;
          } else if (kind === 2) {
            const flags = r.byte();
            const min = r.u32();
            const max = flags & 1 ? r.u32() : undefined;
            m.memoryImport = { index: i, module, field, flags, min, ...(max === undefined ? {} : { max }) };
          } else throw new TypeError(`wasm: unsupported import kind ${kind}`);
          m.imports.push(s.body.subarray(start, r.pos));
        }
        break;
      }
      case SECTION.function: {
        const n = r.u32();
        for (let i = 0; i < n; i++) m.funcTypes.push(r.u32());
        break;
      }
      case SECTION.global: {
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const start = r.pos;
          r.byte();
          r.byte();
          skipInitExpr(r);
          m.globals.push(s.body.subarray(start, r.pos));
        }
        break;
      }
      case SECTION.export: {
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const name = r.name();
          const kind = r.byte();
          const index = r.u32();
          m.exports.push({ name, kind, index });
          if (kind === 0) m.funcExports.set(name, index);
          else if (kind === 3) m.globalExports.set(name, index);
        }
        break;
      }
      case SECTION.code: {
        const n = r.u32();
        for (let i = 0; i < n; i++) m.bodies.push(r.bytes(r.u32()));
        break;
      }
      case SECTION.data: {
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const start = r.pos;
          const flags = r.u32();
          if (flags !== 0) throw new TypeError('wasm: only active data segments are supported');
          if (r.byte() !== 0x41) throw new TypeError('wasm: data offset must be i32.const');
          const offset = r.i32();
          if (r.byte() !== 0x0b) throw new TypeError('wasm: bad data offset expression');
          const len = r.u32();
          r.pos += len;
          m.dataEnd = Math.max(m.dataEnd, offset + len);
          m.dataSegments.push(s.body.subarray(start, r.pos));
        }
        break;
      }
      case SECTION.datacount:
        m.hasDataCount = true;
        break;
      case SECTION.start:
        throw new TypeError('wasm: the runtime must not have a start function');
      case SECTION.custom:
        break;
      default:
        m.passthrough.push(s);
    }
  }
  if (m.memoryImport.index < 0) throw new TypeError('wasm: the runtime must import env.memory');
  return m;
}

let cached: RuntimeModule | undefined;

/** Path of build/rego-runtime.wasm from src/rego/wasm (tsx) or dist/src/rego/wasm (compiled). */
export function runtimeWasmPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['../../..', '../../../..']) {
    const p = join(here, up, 'build', 'rego-runtime.wasm');
    if (existsSync(p)) return p;
  }
  throw new Error('rego runtime not built: run `node scripts/build-runtime.mjs` (build/rego-runtime.wasm)');
}

export function loadRuntime(): RuntimeModule {
  cached ??= parseRuntime(new Uint8Array(readFileSync(runtimeWasmPath())));
  return cached;
}

/** For tests: parse a given runtime binary. */
export function parseRuntimeModule(bytes: Uint8Array): RuntimeModule {
  return parseRuntime(bytes);
}

export function encodeType(t: FuncType): Uint8Array {
  const w = new ByteWriter(16);
  w.byte(0x60);
  w.u32(t.params.length);
  for (const p of t.params) w.byte(p);
  w.u32(t.results.length);
  for (const p of t.results) w.byte(p);
  return w.finish();
}
