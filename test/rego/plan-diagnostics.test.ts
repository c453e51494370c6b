// What the planner cannot lower is reported, never planned wrong: `rego_unsupported_error` diagnostics
// naming the feature, with the location of the expression.
import t from 'tap';
import { formatDiagnostic } from '../../src/rego/ast/types.js';
import { check } from '../../src/rego/check/index.js';
import { parseModule } from '../../src/rego/parser/index.js';
import { plan } from '../../src/rego/plan/index.js';

function planSource(source: string, entrypoints: string[]): ReturnType<typeof plan> {
  const parsed = parseModule('test.rego', source, { regoVersion: 1 });
  if (!parsed.module) throw new Error(parsed.diagnostics.map(formatDiagnostic).join('\n'));
  const checked = check([parsed.module]);
  if (checked.diagnostics.length > 0) throw new Error(checked.diagnostics.map(formatDiagnostic).join('\n'));
  return plan(checked.modules, entrypoints);
}

t.test('with on a path inside the value of a rule', async (t) => {
  const r = planSource('package test\n\nq := {"a": 1}\n\np := v if v := q.a with data.test.q.a as 2\n', ['test/p']);
  t.equal(r.policy, undefined);
  t.equal(r.diagnostics.length, 1);
  t.equal(r.diagnostics[0]?.code, 'rego_unsupported_error');
  t.match(r.diagnostics[0]?.message, /with on data\.test\.q\.a inside the value of rule data\.test\.q/);
  t.equal(r.diagnostics[0]?.location.line, 5);
});

t.test('a mock value using local variables, called from another rule, travels in data', async (t) => {
  const src = 'package test\n\nf(_) := 1\n\nq := f(0)\n\np := v if {\n\tx := 5\n\tv := q with f as x\n}\n';
  const r = planSource(src, ['test/p']);
  t.same(r.diagnostics, []);
  t.ok(r.policy);
});

t.test('a mock value using local variables in a direct call is fine', async (t) => {
  const r = planSource('package test\n\nf(_) := 1\n\np := v if {\n\tx := 5\n\tv := f(0) with f as x\n}\n', ['test/p']);
  t.same(r.diagnostics, []);
  t.ok(r.policy);
});

t.test('every entrypoint is planned; diagnostics of all of them are collected', async (t) => {
  const src = 'package test\n\nf(x) := x\n\nq := {"a": 1}\n\np := v if v := q.a with data.test.q.a as 2\n\nr := 1\n';
  const bad = planSource(src, ['test/r', 'test/f', 'test/p']);
  t.same(
    bad.diagnostics.map((d) => d.code),
    ['rego_type_error', 'rego_unsupported_error'],
  );
  t.ok(planSource(src, ['test/r']).policy);
});
