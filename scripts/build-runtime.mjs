// Builds the Rego runtime: AssemblyScript (src/rego/runtime/assembly, incl. builtins/) → build/rego-runtime.wasm.
// Called by scripts/build.mjs. Also writes build/rego-runtime.wat, checked for AS-managed allocations.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const entry = join('src', 'rego', 'runtime', 'assembly', 'index.ts');
const out = join('build', 'rego-runtime.wasm');
mkdirSync(join(root, 'build'), { recursive: true });

const args = [
  join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js'),
  entry,
  '-o', out,
  '--runtime', 'stub',
  '--importMemory',
  '--initialMemory', '2',
  '--noExportMemory',
  '-O3',
  '--noAssert',
  '--use', 'abort=src/rego/runtime/assembly/error/asAbort',
  '--disable', 'simd',
];
// The text form is always written: the check below reads it.
args.push('-t', join('build', 'rego-runtime.wat'));
const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root });
if (r.status !== 0) {
  console.error('build-runtime: asc failed');
  process.exit(1);
}
// Values live in our own heap: anything pulling in AssemblyScript's allocator (string concatenation,
// Array, Map, …) would hand out memory that overlaps it.
const wat = readFileSync(join(root, 'build', 'rego-runtime.wat'), 'utf8');
const managed = /~lib\/rt\/stub\/__(alloc|new|renew)/.exec(wat);
if (managed) {
  console.error(`build-runtime: the runtime uses AssemblyScript's allocator (${managed[0]}); use malloc/Buf instead`);
  process.exit(1);
}
// The OPA SDK provides only these imports.
const allowed = new Set(['memory', 'opa_abort', 'opa_println', 'opa_builtin0', 'opa_builtin1', 'opa_builtin2', 'opa_builtin3', 'opa_builtin4']);
for (const [, mod, name] of wat.matchAll(/\(import "([^"]*)" "([^"]*)"/g)) {
  if (mod !== 'env' || !allowed.has(name)) {
    console.error(`build-runtime: the runtime imports ${mod}.${name}; only env.{${[...allowed].join(',')}} exist`);
    process.exit(1);
  }
}
