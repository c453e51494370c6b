// Writes a bundle as `opa build` does: a .tar.gz (entries /data.json, sources, /policy.wasm, /.manifest,
// in that order) or, for a path not ending in .tar.gz/.tgz, the same files in a directory.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeTar, type TarEntry } from './lib/tar.js';
import { encodeManifest, type Bundle } from './manifest.js';

export function bundleFiles(bundle: Bundle): TarEntry[] {
  const enc = new TextEncoder();
  const entries: TarEntry[] = [{ name: '/data.json', data: enc.encode(`${JSON.stringify(bundle.data)}\n`) }];
  for (const m of bundle.modules) entries.push({ name: `/${m.path.replace(/^\/+/, '')}`, data: enc.encode(m.source) });
  for (const [path, wasm] of Object.entries(bundle.wasmModules)) entries.push({ name: `/${path.replace(/^\/+/, '')}`, data: wasm });
  entries.push({ name: '/.manifest', data: enc.encode(encodeManifest(bundle.manifest)) });
  return entries;
}

/** The bundle as the bytes of a .tar.gz (what the object store keeps). */
export function encodeBundleArchive(bundle: Bundle): Uint8Array {
  return gzipSync(writeTar(bundleFiles(bundle)));
}

export function isArchivePath(path: string): boolean {
  return /\.(tar\.gz|tgz)$/.test(path);
}

export function writeBundle(bundle: Bundle, target: string): void {
  if (isArchivePath(target)) {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, encodeBundleArchive(bundle));
    return;
  }
  for (const e of bundleFiles(bundle)) {
    const file = join(target, e.name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, e.data);
  }
}
