// An OPA bundle as `opa build -t wasm` lays it out: /data.json, the .rego sources, /policy.wasm and
// /.manifest naming the module of each entrypoint.

export interface WasmResolver {
  /** Entrypoint path, e.g. `example/allow`. */
  entrypoint: string;
  /** Path of the module inside the bundle, e.g. `/policy.wasm`. */
  module: string;
  annotations?: unknown[];
}

export interface Manifest {
  revision: string;
  roots: string[];
  wasm: WasmResolver[];
  rego_version?: 0 | 1;
  metadata?: Record<string, unknown>;
}

export interface BundleModule {
  /** Path inside the bundle without the leading slash, e.g. `policies/example.rego`. */
  path: string;
  source: string;
}

export interface Bundle {
  manifest: Manifest;
  /** The base document: /data.json, with any nested `<dir>/data.json` merged in at `<dir>`. */
  data: Record<string, unknown>;
  /** Every .wasm file of the bundle by path (leading slash, as the manifest names them). */
  wasmModules: Record<string, Uint8Array>;
  modules: BundleModule[];
}

export class BundleFormatError extends Error {
  override readonly name = 'BundleFormatError';
}

/** The manifest's wasm module for an entrypoint, or the only module there is. */
export function bundleWasm(bundle: Bundle, entrypoint?: string): Uint8Array {
  const resolver = entrypoint === undefined ? bundle.manifest.wasm[0] : bundle.manifest.wasm.find((w) => w.entrypoint === entrypoint);
  const path = resolver?.module ?? Object.keys(bundle.wasmModules)[0];
  const wasm = path === undefined ? undefined : bundle.wasmModules[path];
  if (!wasm) throw new BundleFormatError(entrypoint ? `bundle has no wasm module for entrypoint '${entrypoint}'` : 'bundle has no wasm module');
  return wasm;
}

/** The manifest text as OPA's json.Marshal writes it: fixed key order, optional keys left out. */
export function encodeManifest(m: Manifest): string {
  const out: Record<string, unknown> = { revision: m.revision, roots: m.roots };
  if (m.wasm.length) out.wasm = m.wasm.map((w) => (w.annotations ? { entrypoint: w.entrypoint, module: w.module, annotations: w.annotations } : { entrypoint: w.entrypoint, module: w.module }));
  if (m.rego_version !== undefined) out.rego_version = m.rego_version;
  if (m.metadata) out.metadata = m.metadata;
  return JSON.stringify(out);
}

export function decodeManifest(text: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new BundleFormatError(`.manifest is not JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new BundleFormatError('.manifest must be a JSON object');
  const o = raw as Record<string, unknown>;
  const revision = o.revision ?? '';
  if (typeof revision !== 'string') throw new BundleFormatError('.manifest revision must be a string');
  const roots = o.roots ?? [''];
  if (!Array.isArray(roots) || !roots.every((r) => typeof r === 'string')) throw new BundleFormatError('.manifest roots must be a list of strings');
  const wasm = o.wasm ?? [];
  if (!Array.isArray(wasm)) throw new BundleFormatError('.manifest wasm must be a list');
  const resolvers = wasm.map((w: unknown, i) => {
    const r = w as Record<string, unknown> | null;
    if (typeof r?.entrypoint !== 'string' || typeof r.module !== 'string') throw new BundleFormatError(`.manifest wasm[${i}] needs string entrypoint and module`);
    return { entrypoint: r.entrypoint, module: r.module, ...(Array.isArray(r.annotations) ? { annotations: r.annotations as unknown[] } : {}) };
  });
  const rv = o.rego_version;
  if (rv !== undefined && rv !== 0 && rv !== 1) throw new BundleFormatError('.manifest rego_version must be 0 or 1');
  return {
    revision,
    roots: roots as string[],
    wasm: resolvers,
    ...(rv !== undefined ? { rego_version: rv } : {}),
    ...(o.metadata && typeof o.metadata === 'object' ? { metadata: o.metadata as Record<string, unknown> } : {}),
  };
}
