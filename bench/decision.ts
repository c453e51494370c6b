// `npm run bench -- decision [--n 20000] [--policy <dir>] [--entrypoint <ep>]`: compiles a PBAC policy with
// our compiler and times single-thread decisions through the SDK path loadRegoPolicy uses, on a ~1 KB input.
// Targets: p50 ≤ 20 µs per decision, compile ≤ 1 s.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compileRego, formatDiagnostic, loadRegoPolicy, type PassName } from '../src/rego/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

function regoFiles(dir: string): { path: string; source: string }[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const full = join(dir, n);
      if (statSync(full).isDirectory()) return regoFiles(full);
      return n.endsWith('.rego') && !n.endsWith('_test.rego') ? [{ path: relative(root, full), source: readFileSync(full, 'utf8') }] : [];
    });
}

function readJson(file: string): unknown {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as unknown) : undefined;
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      n: { type: 'string', default: '20000' },
      policy: { type: 'string' },
      entrypoint: { type: 'string' },
      input: { type: 'string' },
      data: { type: 'string' },
    },
  });
  // The product's policy (policies/pbac/, entrypoint portcullis/token) with data and a request in its
  // shapes; else, or with --policy bench/fixtures/pbac, a stand-alone PBAC policy of the same kind.
  const product = join(root, 'policies', 'pbac');
  const useProduct = values.policy === undefined && existsSync(product);
  const dir = values.policy ?? (useProduct ? product : join(here, 'fixtures', 'pbac'));
  const inputs = useProduct ? join(here, 'fixtures', 'pbac-product') : dir;
  const entrypoint = values.entrypoint ?? (useProduct ? 'portcullis/token' : 'portcullis/pbac/decision');
  const files = regoFiles(dir);
  const data = readJson(values.data ?? join(inputs, 'data.json')) as Record<string, unknown>;
  const input = readJson(values.input ?? join(inputs, 'input.json'));
  console.log(`policy ${relative(root, dir)} (${files.length} files), entrypoint ${entrypoint}, input ${JSON.stringify(input).length} bytes`);

  const timings: Partial<Record<PassName, number>> = {};
  const start = performance.now();
  const { wasm, diagnostics } = compileRego({ files, entrypoints: [entrypoint], data, timings });
  const compileMs = performance.now() - start;
  if (!wasm) {
    console.error(`compile failed:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
    process.exitCode = 1;
    return;
  }
  const passes = Object.entries(timings).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');
  console.log(`compile: ${compileMs.toFixed(1)} ms (${passes}); policy.wasm ${wasm.length} bytes — target ≤ 1000 ms: ${compileMs <= 1000 ? 'meets' : 'below'}`);

  const policy = await loadRegoPolicy(wasm, data);
  console.log(`decision: ${JSON.stringify(policy.evaluate(input, entrypoint))}`);
  const n = Number(values.n);
  for (let i = 0; i < Math.min(5000, n); i++) policy.evaluate(input, entrypoint);
  const samples = new Float64Array(n);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const s = process.hrtime.bigint();
    policy.evaluate(input, entrypoint);
    samples[i] = Number(process.hrtime.bigint() - s) / 1000;
  }
  const totalS = Number(process.hrtime.bigint() - t0) / 1e9;
  samples.sort();
  const pct = (p: number): number => samples[Math.min(n - 1, Math.floor(n * p))] ?? 0;
  console.log(`${n} decisions, 1 thread: ${(n / totalS).toFixed(0)} decisions/s, p50 ${pct(0.5).toFixed(1)} µs, p99 ${pct(0.99).toFixed(1)} µs — target p50 ≤ 20 µs: ${pct(0.5) <= 20 ? 'meets' : 'below'}`);
}
