// `npm run bench -- compiler [--n 5000]`: each real OPA fixture twice in one process — OPA's own
// policy.wasm and ours compiled from the same sources — time per evaluation and the ratio per fixture.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { compileRego, formatDiagnostic, loadRegoPolicy, type RegoPolicy } from '../src/rego/index.js';

const fixtures = join(import.meta.dirname, '..', '..', 'shared', 'opa-wasm-fixtures');

/** Sources, syntax and entrypoints each fixture was built with (its SOURCE.md). */
const builds: Record<string, { sources: string[]; regoVersion: 0 | 1; entrypoints: string[] }> = {
  'mas-oauth-policies': { sources: ['client_registration.rego', 'login.rego', 'register.rego'], regoVersion: 0, entrypoints: ['client_registration/allow', 'login/allow', 'register/allow'] },
  'bcgov-compliance-v1': { sources: ['src'], regoVersion: 1, entrypoints: ['alert', 'component', 'component/query', 'system', 'system/query'] },
  'rust-opa-wasm-envoy-hello': { sources: ['rule.rego'], regoVersion: 0, entrypoints: ['example'] },
  'weihanchen-rbac-abi11': { sources: ['example.rego'], regoVersion: 0, entrypoints: ['example/allow'] },
};

interface FixtureCase {
  entrypoint: string;
  data?: unknown;
  data_file?: string;
  input?: unknown;
  input_file?: string;
}

function regoFiles(dir: string, path: string): { path: string; source: string }[] {
  const full = join(dir, path);
  if (statSync(full).isDirectory()) return readdirSync(full).sort().flatMap((n) => regoFiles(dir, join(path, n)));
  return path.endsWith('.rego') ? [{ path: relative(dir, full), source: readFileSync(full, 'utf8') }] : [];
}

/** µs per evaluation over all of a fixture's cases, `n` rounds after a warm-up. */
function timeEvals(policy: RegoPolicy, cases: { c: FixtureCase; data: unknown; input: unknown }[], n: number): number {
  let total = 0;
  for (const { c, data, input } of cases) {
    policy.setData(data);
    for (let i = 0; i < Math.min(1000, n); i++) policy.evaluate(input, c.entrypoint);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) policy.evaluate(input, c.entrypoint);
    total += Number(process.hrtime.bigint() - t0) / 1000 / n;
  }
  return total / cases.length;
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { n: { type: 'string', default: '5000' } } });
  const n = Number(values.n);
  const rows: string[][] = [['fixture', 'OPA µs/eval', 'ours µs/eval', 'ours/OPA', 'compile ms', 'OPA bytes', 'our bytes']];
  for (const name of readdirSync(fixtures).filter((f) => builds[f])) {
    const dir = join(fixtures, name);
    const build = builds[name] as (typeof builds)[string];
    const raw = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as FixtureCase[];
    const cases = raw.map((c) => ({
      c,
      data: c.data_file ? (JSON.parse(readFileSync(join(dir, c.data_file), 'utf8')) as unknown) : (c.data ?? {}),
      input: c.input_file ? (JSON.parse(readFileSync(join(dir, c.input_file), 'utf8')) as unknown) : c.input,
    }));
    const opaWasm = readFileSync(join(dir, 'policy.wasm'));
    const opaUs = timeEvals(await loadRegoPolicy(opaWasm), cases, n);
    const start = performance.now();
    const { wasm, diagnostics } = compileRego({ files: build.sources.flatMap((s) => regoFiles(dir, s)), entrypoints: build.entrypoints, regoVersion: build.regoVersion });
    const compileMs = performance.now() - start;
    if (!wasm) {
      rows.push([name, opaUs.toFixed(1), 'compile failed', '', compileMs.toFixed(0), String(opaWasm.length), '']);
      console.error(`${name}: ${diagnostics.map(formatDiagnostic).join('; ')}`);
      continue;
    }
    let oursUs: number;
    try {
      oursUs = timeEvals(await loadRegoPolicy(wasm), cases, n);
    } catch (err) {
      rows.push([name, opaUs.toFixed(1), `error: ${String(err).slice(0, 60)}`, '', compileMs.toFixed(0), String(opaWasm.length), String(wasm.length)]);
      continue;
    }
    rows.push([name, opaUs.toFixed(1), oursUs.toFixed(1), `${(oursUs / opaUs).toFixed(2)}×`, compileMs.toFixed(0), String(opaWasm.length), String(wasm.length)]);
  }
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  '));
}
