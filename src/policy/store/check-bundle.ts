// The gate every bundle passes before any host sees it: it must read as an OPA bundle, its policy.wasm
// must load in the real SDK (through `loadRegoPolicy`) with its data, and it must export every
// entrypoint the server evaluates.
import { createHash } from 'node:crypto';
import { type Bundle, BundleFormatError, bundleWasm, decodeBundleArchive } from '../../rego/bundle/index.js';
import { loadRegoPolicy } from '../../rego/load.js';
import { parseModule } from '../../rego/parser/index.js';
import { pbacEntrypoints } from '../bundle.js';
import { PolicyStoreError } from './errors.js';

/** Entrypoints a bundle must have to be published: the ones the token service evaluates. */
export const requiredEntrypoints: readonly string[] = pbacEntrypoints;

/**
 * Entrypoints other phases evaluate when the policy defines them (registration, authorization); `policy
 * publish` of Rego sources compiles each one its sources define, so publishing never drops a phase.
 */
export const optionalEntrypoints: readonly string[] = ['portcullis/register', 'portcullis/authorize'];

export interface CheckedBundle {
  bundle: Bundle;
  wasm: Uint8Array;
  /** Entrypoints the loaded module exports, sorted. */
  entrypoints: string[];
  version: string;
}

/** Reads an archive (.tar.gz bytes) as a bundle; a malformed one is `bundle_invalid`. */
export function readBundleArchive(bytes: Uint8Array): Bundle {
  try {
    return decodeBundleArchive(bytes);
  } catch (err) {
    throw new PolicyStoreError('bundle_invalid', `not a readable bundle: ${(err as Error).message}`, { cause: err });
  }
}

/** JSON with object keys sorted, so equal data hashes equally whatever order it was written in. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * The version of a bundle: 16 hex digits of the SHA-256 of what decides — every Wasm module, the data and
 * the entrypoint table — so rebuilding the same sources gives the same version (archive timestamps and
 * source comments do not count).
 */
export function bundleVersion(bundle: Bundle): string {
  const h = createHash('sha256');
  for (const path of Object.keys(bundle.wasmModules).sort()) {
    h.update(`${path}\0`).update(bundle.wasmModules[path] as Uint8Array).update('\0');
  }
  h.update(canonicalJson(bundle.data)).update('\0');
  h.update(canonicalJson([...bundle.manifest.wasm].map((w) => [w.entrypoint, w.module]).sort()));
  return h.digest('hex').slice(0, 16);
}

/** Loads the bundle's policy in the OPA SDK and checks its entrypoints; throws `PolicyStoreError`. */
export async function checkBundle(bundle: Bundle, required: readonly string[] = requiredEntrypoints): Promise<CheckedBundle> {
  let wasm: Uint8Array;
  try {
    wasm = bundleWasm(bundle);
  } catch (err) {
    throw new PolicyStoreError('bundle_invalid', (err as Error).message, { cause: err });
  }
  let entrypoints: string[];
  try {
    const policy = await loadRegoPolicy(wasm, bundle.data);
    entrypoints = Object.keys(policy.entrypoints).sort();
    if (policy.missingBuiltins.length > 0) {
      throw new Error(`it calls builtins the host does not provide: ${policy.missingBuiltins.join(', ')}`);
    }
  } catch (err) {
    if (err instanceof BundleFormatError) throw new PolicyStoreError('bundle_invalid', err.message, { cause: err });
    throw new PolicyStoreError('bundle_load_failed', `policy.wasm does not load: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  // A module built for an entrypoint no rule defines exports it all the same (always undefined, as OPA's
  // planner does); when the bundle carries its sources, they must define it.
  const defined = bundle.modules.length > 0 ? definedPaths(bundle.modules, bundle.manifest.rego_version ?? 1) : undefined;
  const missing = required.filter((e) => !entrypoints.includes(e) || (defined !== undefined && !defined.has(e)));
  if (missing.length > 0) {
    throw new PolicyStoreError('bundle_missing_entrypoint', `the bundle lacks entrypoint${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (it has: ${entrypoints.join(', ') || 'none'})`);
  }
  return { bundle, wasm, entrypoints, version: bundleVersion(bundle) };
}

/** Package paths and `package/rule` paths Rego sources define (`a/b`, `a/b/allow`, …). */
export function definedPaths(sources: readonly { path: string; source: string }[], regoVersion: 0 | 1 = 1): Set<string> {
  const out = new Set<string>();
  for (const m of sources) {
    const { module } = parseModule(m.path, m.source, { regoVersion });
    if (!module) continue;
    const pkg = module.package.slice(1).map((t) => (t.value.type === 'string' ? t.value.value : ''));
    for (let i = 1; i <= pkg.length; i++) out.add(pkg.slice(0, i).join('/'));
    for (const r of module.rules) {
      const head = r.head.ref[0]?.value;
      if (head?.type === 'var') out.add([...pkg, head.name].join('/'));
      else if (head?.type === 'string') out.add([...pkg, head.value].join('/'));
    }
  }
  return out;
}
