// The default PBAC bundle: policies/pbac/*.rego compiled by our Rego compiler, with its data.json.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PolicyError } from './errors.js';
import type { PolicyBundle } from './types.js';

/** The entrypoints the token service evaluates. */
export const pbacEntrypoints = ['portcullis/token', 'portcullis/introspect'] as const;

/** policies/pbac from the sources (src/policy) or from the build (dist/src/policy). */
export function defaultPolicyDir(): string {
  for (const up of ['../../policies/pbac', '../../../policies/pbac']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(dir)) return dir;
  }
  throw new PolicyError('policy_load_error', 'policies/pbac not found next to the sources or the build');
}

/** Compiles a directory of Rego (test files left out) into a bundle whose version is its content hash. */
export async function compilePolicyDir(dir: string, entrypoints: readonly string[], name = 'pbac'): Promise<PolicyBundle & { data: unknown }> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.rego') && !f.endsWith('_test.rego'))
    .sort()
    .map((f) => ({ path: join(dir, f), source: readFileSync(join(dir, f), 'utf8') }));
  if (files.length === 0) throw new PolicyError('policy_load_error', `no .rego files in ${dir}`);
  const dataFile = join(dir, 'data.json');
  const data = existsSync(dataFile) ? (JSON.parse(readFileSync(dataFile, 'utf8')) as Record<string, unknown>) : {};
  // Loaded lazily: the compiler is large and only this path needs it.
  const { compileRego, formatDiagnostic } = await import('../rego/index.js');
  const { wasm, diagnostics } = compileRego({ files, entrypoints, regoVersion: 1 });
  if (!wasm) {
    const text = diagnostics.map((d) => formatDiagnostic(d)).join('\n');
    throw new PolicyError('policy_load_error', `compiling ${dir} failed:\n${text}`);
  }
  const hash = createHash('sha256').update(wasm).update(JSON.stringify(data)).digest('hex').slice(0, 12);
  return { wasm, data, version: `${name}-${hash}` };
}

/** The default PBAC policy, compiled now from policies/pbac. */
export function loadDefaultBundle(): Promise<{ wasm: Uint8Array; data: unknown; version: string }> {
  return compilePolicyDir(defaultPolicyDir(), pbacEntrypoints);
}
