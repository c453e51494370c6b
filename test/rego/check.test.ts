// The check/rewrite pass: name resolution, local renaming, safety reordering, and the errors it
// reports (unsafe vars, undefined functions, arity, recursion, conflicts) with exact code, message
// and location; the conformance corpus and the OPA-built fixtures check clean.
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import YAML from 'yaml';
import { printModule, printRule } from '../../src/rego/ast/print.js';
import { type Module, formatDiagnostic } from '../../src/rego/ast/types.js';
import { check } from '../../src/rego/check/index.js';
import { parseModule } from '../../src/rego/parser/index.js';
import { conformanceCasesDir, opaFixturesDir } from '../helpers/shared.js';

const CASES = conformanceCasesDir;
const FIXTURES = opaFixturesDir;

function parse(src: string, file = 'p.rego', regoVersion: 0 | 1 = 1): Module {
  const r = parseModule(file, src, { regoVersion });
  if (r.diagnostics.length > 0 || r.module === undefined) throw new Error(r.diagnostics.map(formatDiagnostic).join('\n'));
  return r.module;
}
/** Resolved rules of the first module, printed. */
function resolved(...srcs: string[]): string[] {
  const r = check(srcs.map((s, i) => parse(s, `m${i}.rego`)));
  if (r.diagnostics.length > 0) throw new Error(r.diagnostics.map(formatDiagnostic).join('\n'));
  return r.modules[0]!.rules.map(printRule);
}
function errors(...srcs: string[]): string[] {
  return check(srcs.map((s) => parse(s))).diagnostics.map(formatDiagnostic);
}

t.test('rule names, imports and functions resolve to data refs; builtins keep their names', async (t) => {
  t.same(resolved('package a.b\np := q[1]\nq := [1, 2]\nf(x) := x\nr := f(1) + count([1])'), [
    'p := data.a.b.q[1]',
    'q := [1, 2]',
    'f(__local0__) := __local0__',
    'r := plus(data.a.b.f(1), count([1]))',
  ]);
  t.same(resolved('package a\nimport data.lib.h\nimport data.lib.k as z\nimport input.user\np := [h.f(1), z, user.name]', 'package lib.h\nf(x) := x'), [
    'p := [data.lib.h.f(1), data.lib.k, input.user.name]',
  ]);
  // rules of the same package in another module are visible by bare name
  t.same(resolved('package a\np := q', 'package a\nq := 1'), ['p := data.a.q']);
  t.same(resolved('package a\np if { input.x; data.y }'), ['p if { input.x; data.y }']);
  t.same(resolved('package a\np := object.get({}, "a", 1)'), ['p := object.get({}, "a", 1)']);
  t.same(resolved('package a\np if { 1 in [1] }'), ['p if { internal.member_2(1, [1]) }']);
});

t.test('locals are renamed per rule; := declares, some scopes, _ is unique, closures share outer vars', async (t) => {
  t.same(resolved('package a\np if { x := 1; y = x; [_, _] = [1, 2] }'), ['p if { assign(__local0__, 1); eq(__local1__, __local0__); eq([__local2__, __local3__], [1, 2]) }']);
  t.same(resolved('package a\np if { some x; x = 1 }\nq if { some k, v in {"a": 1}; v > 0 }'), [
    'p if { eq(__local0__, 1) }',
    'q if { some __local0__, __local1__ in {"a": 1}; gt(__local1__, 0) }',
  ]);
  t.same(resolved('package a\np := y if { x := 2; y := [z | z := x; z > 1] }'), ['p := __local2__ if { assign(__local0__, 2); assign(__local2__, [__local1__ | assign(__local1__, __local0__); gt(__local1__, 1)]) }']);
  t.same(resolved('package a\np if { every x in [1] { y := x; y > 0 } }'), ['p if { every __local0__ in [1] { assign(__local1__, __local0__); gt(__local1__, 0) } }']);
  // `:=` may shadow a rule name
  t.same(resolved('package a\nq := 1\np if { q := 2; q > 1 }'), ['q := 1', 'p if { assign(__local0__, 2); gt(__local0__, 1) }']);
  t.same(resolved('package a\nf(x, _) := y if { y := x } else := 0'), ['f(__local0__, __local1__) := __local2__ if { assign(__local2__, __local0__) } else := 0']);
  t.same(errors('package a\np if { x := 1; x := 2 }'), ['p.rego:2:16: rego_compile_error: var x assigned above']);
  t.same(errors('package a\np if { x = 1; x := 2 }'), ['p.rego:2:15: rego_compile_error: var x referenced above']);
  t.same(errors('package a\np if { some x }'), ['p.rego:2:13: rego_compile_error: declared var x unused']);
});

t.test('bodies are reordered for safety, as OPA does', async (t) => {
  t.same(resolved('package a\np if { x > 1; x = 2 }'), ['p if { eq(__local0__, 2); gt(__local0__, 1) }']);
  t.same(resolved('package a\np if { not q[x]; x = input.y }\nq[x] := 1 if x := 1'), ['p if { eq(__local0__, input.y); not data.a.q[__local0__] }', 'q[__local0__] := 1 if { assign(__local0__, 1) }']);
  t.same(resolved('package a\np if { y = [v | v := x[_]]; x = input.xs }'), ['p if { eq(__local2__, input.xs); eq(__local0__, [__local3__ | assign(__local3__, __local2__[__local1__])]) }']);
  t.same(resolved('package a\np if { count(xs) > 0; xs = input.a }'), ['p if { eq(__local0__, input.a); gt(count(__local0__), 0) }']);
  // as in OPA, `:=` after a use is an error, not a reordering
  t.same(errors('package a\np if { count(xs) > 0; xs := input.a }'), ['p.rego:2:23: rego_compile_error: var xs referenced above']);
  t.same(resolved('package a\np := x if { [x, 1] = [y, z]; y = 2; z = 1 }'), ['p := __local0__ if { eq(__local1__, 2); eq(__local2__, 1); eq([__local0__, 1], [__local1__, __local2__]) }']);
  // a head iterating a ref is evaluated in the body
  t.same(resolved('package a\nxs := [1]\nq := xs[_]'), ['xs := [1]', 'q := __local1__ if { eq(__local1__, data.a.xs[__local0__]) }']);
});

t.test('unsafe variables: code, message, location', async (t) => {
  t.same(errors('package a\np if { y := x }'), ['p.rego:2:13: rego_unsafe_var_error: var x is unsafe']);
  t.same(errors('package a\np := x if { true }'), ['p.rego:2:6: rego_unsafe_var_error: var x is unsafe']);
  t.same(errors('package a\np if { not x }'), ['p.rego:2:12: rego_unsafe_var_error: var x is unsafe']);
  t.same(errors('package a\np if { x in [1] }'), ['p.rego:2:8: rego_unsafe_var_error: var x is unsafe']);
  t.same(errors('package a\np := [x | x > 1]'), ['p.rego:2:11: rego_unsafe_var_error: var x is unsafe']);
  t.same(errors('package a\np if { every x in [1] { x > y } }'), ['p.rego:2:29: rego_unsafe_var_error: var y is unsafe']);
  t.same(errors('package a\nf(x) := y'), ['p.rego:2:9: rego_unsafe_var_error: var y is unsafe']);
  t.same(errors('package a\np if { count(x) }'), ['p.rego:2:14: rego_unsafe_var_error: var x is unsafe']);
  // As OPA: a negated expression outputs nothing (ast/compile.go outputVarsForExpr), and each `_` is a
  // fresh variable, so a wildcard under `not` is never bound — `opa check` reports it.
  t.same(errors('package a\np if { not input.xs[_] == 2 }'), ['p.rego:2:21: rego_unsafe_var_error: var _ is unsafe']);
  t.same(errors('package a\np if { not input.xs[i] == 2 }'), ['p.rego:2:21: rego_unsafe_var_error: var i is unsafe']);
  t.same(errors('package a\np if { some i; input.xs[i]; not input.xs[i] == 2 }'), [], 'bound before the negation: safe');
});

t.test('calls: unknown functions and arity', async (t) => {
  t.same(errors('package a\np if {\n  foo.bar(1)\n}'), ['p.rego:3:3: rego_type_error: undefined function foo.bar']);
  t.same(errors('package a\nimport data.lib\np := lib.f(1)'), ['p.rego:3:6: rego_type_error: undefined function data.lib.f']);
  t.same(errors('package a\np if { count(1, 2, 3) }'), ['p.rego:2:8: rego_type_error: count: arity mismatch: too many arguments (have 3, want 1)']);
  t.same(errors('package a\nf(x) := x\np := f()'), ['p.rego:3:6: rego_type_error: data.a.f: arity mismatch: too few arguments (have 0, want 1)']);
  t.same(errors('package a\np if { count([1], n); n == 1 }'), []);
  t.same(errors('package a\np if { x := time.now_ns() with time.now_ns as 1; x }'), []);
  t.same(errors('package a\np if { x := 1 with nope as 1; x }'), ['p.rego:2:20: rego_type_error: with keyword target must reference existing input, data, or a function']);
});

t.test('recursion is reported on each rule of the cycle', async (t) => {
  t.same(errors('package a\np if q\nq if p'), [
    'p.rego:2:1: rego_recursion_error: rule data.a.p is recursive: data.a.p -> data.a.q -> data.a.p',
    'p.rego:3:1: rego_recursion_error: rule data.a.q is recursive: data.a.q -> data.a.p -> data.a.q',
  ]);
  t.same(errors('package a\nf(x) := f(x)'), ['p.rego:2:1: rego_recursion_error: rule data.a.f is recursive: data.a.f -> data.a.f']);
  t.same(errors('package a\np := count(data.a)'), ['p.rego:2:1: rego_recursion_error: rule data.a.p is recursive: data.a.p -> data.a.p']);
  t.same(errors('package a\np := data[2]\nq := data.a.r[x]\nr := {1: 2}'), []);
});

t.test('rule conflicts and defaults', async (t) => {
  t.same(errors('package a\np := 1\np contains 2'), ['p.rego:3:1: rego_type_error: conflicting rules data.a.p found']);
  t.same(errors('package a\nf(x) := 1\nf(x, y) := 2'), ['p.rego:3:1: rego_type_error: conflicting rules data.a.f found: functions must have the same arity']);
  t.same(errors('package a\ndefault p := 1\ndefault p := 2\np := 3'), ['p.rego:3:1: rego_type_error: multiple default rules data.a.p found']);
  t.same(errors('package a\np := 1\np.q := 2'), ['p.rego:2:1: rego_type_error: rule data.a.p conflicts with [data.a.p.q]']);
  t.same(errors('package a\np.q.r := 1\np.q[s] := 2 if s := "s"'), []);
});

t.test('diagnostics are collected and sorted; like OPA, passes after a failing one do not run', async (t) => {
  t.same(errors('package a\nr if { z := y; foo(2) }\np if { foo(1) }\nq if q'), [
    'p.rego:2:16: rego_type_error: undefined function foo',
    'p.rego:3:8: rego_type_error: undefined function foo',
  ]);
  t.same(errors('package a\nr if { z := y }\nq if q\ns if { w := v }'), [
    'p.rego:2:13: rego_unsafe_var_error: var y is unsafe',
    'p.rego:4:13: rego_unsafe_var_error: var v is unsafe',
  ]);
  const all = check([parse('package a\nr if { z := y }\nq if q')], { skip: ['checkSafety'] }).diagnostics.map(formatDiagnostic);
  t.same(all, ['p.rego:3:1: rego_recursion_error: rule data.a.q is recursive: data.a.q -> data.a.q']);
});

t.test('the returned modules are new; rules point at them', async (t) => {
  const m = parse('package a\np if q\nq := 1');
  const r = check([m]);
  t.not(r.modules[0], m);
  t.equal(r.modules[0]!.rules[0]!.module, r.modules[0]);
  t.same(printRule(m.rules[0]!), 'p if { q }');
});

t.test('every conformance case checks without diagnostics', async (t) => {
  // Cases whose modules OPA rejects at compile time, with the reason (none in this subset: all
  // expected errors there are evaluation errors).
  const compileErrors = new Map<string, string>();
  let n = 0;
  let ms = 0;
  for (const category of fs.readdirSync(CASES).sort()) {
    for (const f of fs.readdirSync(path.join(CASES, category)).sort()) {
      const doc = YAML.parse(fs.readFileSync(path.join(CASES, category, f), 'utf8')) as { cases: { note: string; modules?: string[] }[] };
      for (const c of doc.cases) {
        const mods = (c.modules ?? []).map((src, i) => parse(src, `${category}/${f}#${i}`));
        const started = performance.now();
        const r = check(mods);
        ms += performance.now() - started;
        n++;
        if (compileErrors.has(c.note)) t.not(r.diagnostics.length, 0, c.note);
        else t.same(r.diagnostics.map(formatDiagnostic), [], c.note);
      }
    }
  }
  t.equal(n, 612);
  t.ok(ms < 5000, `checked ${n} cases in ${ms.toFixed(0)} ms`);
});

t.test('the OPA-built fixtures check clean, well under a second', async (t) => {
  for (const dir of fs.readdirSync(FIXTURES)) {
    const full = path.join(FIXTURES, dir);
    if (!fs.statSync(full).isDirectory()) continue;
    const manifest = path.join(full, 'bundle.manifest');
    const v = fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { rego_version?: number }).rego_version === 1 ? 1 : 0;
    const started = performance.now();
    const mods = regoFiles(full).map((f) => parse(fs.readFileSync(f, 'utf8'), f, v));
    const r = check(mods);
    const ms = performance.now() - started;
    t.same(r.diagnostics.map(formatDiagnostic), [], dir);
    t.ok(ms < 1000, `${dir}: parse + check in ${ms.toFixed(1)} ms`);
    t.ok(r.modules.map(printModule).join('\n').length > 0);
  }
});

function regoFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? regoFiles(path.join(dir, e.name)) : e.name.endsWith('.rego') ? [path.join(dir, e.name)] : []));
}
