// compileRego/buildBundle: the pass table (timed, skippable), diagnostics collected and sorted, and the
// module it produces loads in the SDK unmodified.
import { createRequire } from 'node:module';
import t from 'tap';
import { buildBundle, compileRego, formatDiagnostic, passes, type PassName } from '../../src/rego/index.js';

const source = 'package example\n\ndefault allow := false\n\nallow if input.user == "alice"\n';

t.test('passes run in order and are timed', async (t) => {
  t.same(passes.map((p) => p.name), ['parse', 'check', 'plan', 'wasm']);
  const timings: Partial<Record<PassName, number>> = {};
  const { wasm, diagnostics } = compileRego({ files: [{ path: 'example.rego', source }], entrypoints: ['example/allow'], timings });
  t.same(diagnostics, []);
  t.ok(wasm && wasm.length > 0);
  t.same(Object.keys(timings), ['parse', 'check', 'plan', 'wasm']);
});

t.test('the module loads in the OPA SDK itself', async (t) => {
  const { wasm } = compileRego({ files: [{ path: 'example.rego', source }], entrypoints: ['example/allow'] });
  const sdk = createRequire(import.meta.url)('@open-policy-agent/opa-wasm') as { loadPolicy(w: Uint8Array): Promise<{ evaluate(i: unknown, e?: string): unknown }> };
  const policy = await sdk.loadPolicy(wasm as Uint8Array);
  t.same(policy.evaluate({ user: 'alice' }, 'example/allow'), [{ result: true }]);
  t.same(policy.evaluate({ user: 'bob' }, 'example/allow'), [{ result: false }]);
});

t.test('all errors of a pass are reported, sorted by location; later passes do not run', async (t) => {
  const timings: Partial<Record<PassName, number>> = {};
  const { wasm, diagnostics } = compileRego({
    files: [
      { path: 'b.rego', source: 'package b\n\np if {\n\tq(1\n}\n' },
      { path: 'a.rego', source: 'package a\n\np if x ==\n' },
    ],
    entrypoints: ['a/p'],
    timings,
  });
  t.equal(wasm, undefined);
  t.ok(diagnostics.length >= 2, diagnostics.map(formatDiagnostic).join('\n'));
  t.same([...new Set(diagnostics.map((d) => d.location.file))], ['a.rego', 'b.rego']);
  t.ok(diagnostics.every((d) => d.code === 'rego_parse_error'));
  t.same(Object.keys(timings), ['parse']);
});

t.test('check errors carry file:line:col', async (t) => {
  const { diagnostics } = compileRego({ files: [{ path: 'x.rego', source: 'package x\n\np if {\n\tfoo.bar(1)\n}\n' }], entrypoints: ['x/p'] });
  t.match(diagnostics.map(formatDiagnostic).join('\n'), /^x\.rego:4:2: rego_type_error: undefined function foo\.bar/);
});

t.test('a skipped pass does not run', async (t) => {
  const timings: Partial<Record<PassName, number>> = {};
  compileRego({ files: [{ path: 'example.rego', source }], entrypoints: ['example/allow'], skip: ['wasm'], timings });
  t.same(Object.keys(timings), ['parse', 'check', 'plan']);
});

t.test('no entrypoint is an error, not a crash', async (t) => {
  t.match(compileRego({ files: [{ path: 'e.rego', source }], entrypoints: [] }).diagnostics[0]?.message, /entrypoint/);
});

t.test('buildBundle lays the bundle out as opa build -t wasm', async (t) => {
  const { bundle } = buildBundle({ files: [{ path: './policies/example.rego', source }], entrypoints: ['example/allow'], data: { a: 1 }, regoVersion: 1 });
  t.same(bundle?.manifest, { revision: '', roots: [''], wasm: [{ entrypoint: 'example/allow', module: '/policy.wasm' }], rego_version: 1 });
  t.same(bundle?.data, { a: 1 });
  t.same(bundle?.modules.map((m) => m.path), ['policies/example.rego']);
  t.same(Object.keys(bundle?.wasmModules ?? {}), ['/policy.wasm']);
});
