// Reads a bundle — ours or one built by `opa build` — from a directory, a .tar.gz file or its bytes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse as parseYaml } from 'yaml';
import { readTar, type TarEntry } from './lib/tar.js';
import { BundleFormatError, decodeManifest, type Bundle } from './manifest.js';

export function decodeBundleArchive(bytes: Uint8Array): Bundle {
  let tar: Uint8Array;
  try {
    tar = gunzipSync(bytes);
  } catch (err) {
    throw new BundleFormatError(`bundle is not gzip: ${(err as Error).message}`);
  }
  return bundleFromFiles(readTar(tar));
}

export function readBundle(path: string): Bundle {
  if (statSync(path).isDirectory()) return bundleFromFiles(walk(path, path));
  return decodeBundleArchive(readFileSync(path));
}

function walk(root: string, dir: string): TarEntry[] {
  const out: TarEntry[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, d.name);
    if (d.isDirectory()) out.push(...walk(root, full));
    else if (d.isFile()) out.push({ name: relative(root, full).split(sep).join('/'), data: readFileSync(full) });
  }
  return out;
}

export function bundleFromFiles(files: readonly TarEntry[]): Bundle {
  const dec = new TextDecoder();
  const bundle: Bundle = { manifest: { revision: '', roots: [''], wasm: [] }, data: {}, wasmModules: {}, modules: [] };
  let sawManifest = false;
  for (const f of files) {
    const path = f.name.replace(/^\.?\/+/, '').replace(/^\.\//, '');
    const base = path.slice(path.lastIndexOf('/') + 1);
    const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    if (path === '.manifest') {
      bundle.manifest = decodeManifest(dec.decode(f.data));
      sawManifest = true;
    } else if (base === 'data.json' || base === 'data.yaml' || base === 'data.yml') {
      let value: unknown;
      try {
        value = base === 'data.json' ? JSON.parse(dec.decode(f.data)) : parseYaml(dec.decode(f.data));
      } catch (err) {
        throw new BundleFormatError(`${path}: ${(err as Error).message}`);
      }
      mergeAt(bundle.data, dir ? dir.split('/') : [], value, path);
    } else if (path.endsWith('.wasm')) {
      bundle.wasmModules[`/${path}`] = new Uint8Array(f.data);
    } else if (path.endsWith('.rego')) {
      bundle.modules.push({ path, source: dec.decode(f.data) });
    }
  }
  if (!sawManifest && Object.keys(bundle.wasmModules).length === 0 && bundle.modules.length === 0) {
    throw new BundleFormatError('not a bundle: no .manifest, policy or module found');
  }
  for (const w of bundle.manifest.wasm) {
    if (!bundle.wasmModules[w.module]) throw new BundleFormatError(`.manifest names ${w.module} for '${w.entrypoint}' but the bundle has no such file`);
  }
  return bundle;
}

function mergeAt(data: Record<string, unknown>, path: string[], value: unknown, file: string): void {
  let node = data;
  for (const key of path) {
    const next = node[key];
    if (next === undefined) node[key] = {};
    else if (typeof next !== 'object' || next === null || Array.isArray(next)) throw new BundleFormatError(`${file}: conflicts with data at ${path.join('/')}`);
    node = node[key] as Record<string, unknown>;
  }
  if (path.length === 0 && (typeof value !== 'object' || value === null || Array.isArray(value))) throw new BundleFormatError(`${file}: root data must be an object`);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) deepMerge(node, value as Record<string, unknown>, file);
  else {
    const parent = path.slice(0, -1).reduce<Record<string, unknown>>((n, k) => n[k] as Record<string, unknown>, data);
    parent[path[path.length - 1] as string] = value;
  }
}

function deepMerge(into: Record<string, unknown>, from: Record<string, unknown>, file: string): void {
  for (const [k, v] of Object.entries(from)) {
    const cur = into[k];
    if (cur && typeof cur === 'object' && !Array.isArray(cur) && v && typeof v === 'object' && !Array.isArray(v)) deepMerge(cur as Record<string, unknown>, v as Record<string, unknown>, file);
    else if (cur !== undefined) throw new BundleFormatError(`${file}: data key '${k}' is defined twice`);
    else into[k] = v;
  }
}
