// The Rego parser: AST shapes (precedence, rule kinds, else chains, ref heads, comprehensions, some,
// every, with), v0 and v1 syntax, queries and terms, syntax errors with exact locations, the whole
// conformance corpus and the OPA-built fixtures, nesting limits and speed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import YAML from 'yaml';
import { printBody, printRule, printTerm } from '../../src/rego/ast/print.js';
import { type Module, formatDiagnostic } from '../../src/rego/ast/types.js';
import { parseModule, parseQuery, parseTerm } from '../../src/rego/parser/index.js';
import { conformanceCasesDir, opaFixturesDir } from '../helpers/shared.js';

const CASES = conformanceCasesDir;
const FIXTURES = opaFixturesDir;

function mod(src: string, regoVersion: 0 | 1 = 1): Module {
  const r = parseModule('p.rego', src, { regoVersion });
  if (r.diagnostics.length > 0 || r.module === undefined) throw new Error(r.diagnostics.map(formatDiagnostic).join('\n'));
  return r.module;
}
const rules = (src: string, v: 0 | 1 = 1): string[] => mod(`package p\n${src}`, v).rules.map(printRule);
const errors = (src: string, v: 0 | 1 = 1): string[] => parseModule('p.rego', src, { regoVersion: v }).diagnostics.map(formatDiagnostic);

t.test('infix operators follow OPA precedence', async (t) => {
  t.same(rules('p if { x := 1 + 2 * 3 - 4 / 2 % 3 }'), ['p if { assign(x, minus(plus(1, mul(2, 3)), rem(div(4, 2), 3))) }']);
  // in OPA `|` and `&` bind tighter than comparisons; `in` is the loosest term operator
  t.same(rules('p if { a == b | c & d }'), ['p if { equal(a, or(b, and(c, d))) }']);
  t.same(rules('p if { a < b == true }'), ['p if { equal(lt(a, b), true) }']);
  t.same(rules('p if { 1 + 1 in xs }'), ['p if { internal.member_2(plus(1, 1), xs) }']);
  t.same(rules('p if { k, v in xs }'), ['p if { internal.member_3(k, v, xs) }']);
  t.same(rules('p if { x = (1, 2 in [2]) }'), ['p if { eq(x, internal.member_3(1, 2, [2])) }']);
  t.same(rules('p if { f(1 in [1], 2) }'), ['p if { f(internal.member_2(1, [1]), 2) }']);
  t.same(rules('p if { x := -1; y := - x; z := 3-1 }'), ['p if { assign(x, -1); assign(y, minus(0, x)); assign(z, minus(3, 1)) }']);
});

t.test('rule kinds and heads', async (t) => {
  const m = mod(`package a.b["c"]
default allow := false
p := 1 if { true }
q if input.x
s contains x if { some x in input.xs }
o[k] := v if { some k, v in input.o }
a.b[x].c := 1 if { x := "k" }
r.s.t := 2
f(x) := y if { y := x }
g(x, _) if x > 1
`);
  t.same(printTerm({ value: { type: 'ref', terms: m.package }, location: m.package[0]!.location }), 'data.a.b.c');
  t.same(
    m.rules.map((r) => [r.kind, r.default, r.head.key ? printTerm(r.head.key) : null, r.head.ref.length]),
    [
      ['complete', true, null, 1],
      ['complete', false, null, 1],
      ['complete', false, null, 1],
      ['partial_set', false, 'x', 1],
      ['partial_object', false, 'k', 2],
      ['partial_object', false, '"c"', 4],
      ['complete', false, null, 3],
      ['function', false, null, 1],
      ['function', false, null, 1],
    ],
  );
  t.equal(m.rules[7]!.head.assign, true);
  t.same(m.rules[8]!.head.args!.map(printTerm), ['x', '$_0']);
  t.equal(m.rules[0]!.module, m);
  // v1: `p[x] if …` is a one-key object of true, not a set
  t.same(mod('package p\na[x] if x := 1').rules.map((r) => [r.kind, r.head.value]), [['partial_object', undefined]]);
});

t.test('else chains', async (t) => {
  const r = mod('package p\nf(x) := 1 if { x > 1 } else := 2 if { x > 0 } else = 3\ng := 1 if false else := 2').rules;
  t.same(r.map(printRule), ['f(x) := 1 if { gt(x, 1) } else := 2 if { gt(x, 0) } else = 3', 'g := 1 if { false } else := 2']);
  t.same(r[0]!.else!.head.args!.map(printTerm), ['x']);
  t.same(rules('calc(x) := "pass" if x == 0 else := "fail"'), ['calc(x) := "pass" if { equal(x, 0) } else := "fail"']);
  t.same(rules('p { false } else { true }', 0), ['p if { false } else if { true }']);
});

t.test('terms: composites, comprehensions, refs and calls', async (t) => {
  t.same(rules('p := {}'), ['p := {}']);
  t.same(rules('p := set()'), ['p := set()']);
  t.same(rules('p := {1, 2,}'), ['p := {1, 2}']);
  t.same(rules('p := {"a": 1, "b": [1, {2}],}'), ['p := {"a": 1, "b": [1, {2}]}']);
  t.same(rules('p := [x | x := [1, 2][_]]'), ['p := [x | assign(x, [1, 2][$_0])]']);
  t.same(rules('p := {x | some x in [1]}'), ['p := {x | some x in [1]}']);
  t.same(rules('p := {k: v | some k, v in {"a": 1}; v > 0}'), ['p := {k: v | some k, v in {"a": 1}; gt(v, 0)}']);
  t.same(rules('p := count([1]) + object.get({}, "a", 1).x[0]'), ['p := plus(count([1]), object.get({}, "a", 1).x[0])']);
  t.same(rules('p := input.a["b"][c].d'), ['p := input.a.b[c].d']);
  t.same(rules('p := [1, 2][0]'), ['p := [1, 2][0]']);
  t.same(rules('p := `raw\\n`'), ['p := "raw\\\\n"']);
  t.same(rules('p := 1e3'), ['p := 1e3']);
  // whitespace ends a ref: `a [1]` is not `a[1]`
  t.match(errors('package p\np if { a [1] }')[0], /unexpected \[ token/);
  // keywords may still be called as builtins
  t.same(rules('p if contains("abc", "b")'), ['p if { contains("abc", "b") }']);
});

t.test('bodies: some, every, not, with, separators', async (t) => {
  t.same(rules('p if { some x, y; x = 1; y = 2 }'), ['p if { some x, y; eq(x, 1); eq(y, 2) }']);
  t.same(rules('p if { every k, v in {"a": 1} { v > 0; k != "" } }'), ['p if { every k, v in {"a": 1} { gt(v, 0); neq(k, "") } }']);
  t.same(rules('p if { not q with input.a as 1 with data.x.y as {"z": 1} }'), ['p if { not q with input.a as 1 with data.x.y as {"z": 1} }']);
  t.same(rules('p if {\n  a\n  b; c\n}'), ['p if { a; b; c }']);
  t.same(rules('p if { x := [\n  1,\n  2,\n] }'), ['p if { assign(x, [1, 2]) }']);
  const e = mod('package p\np if {\n  not x\n}').rules[0]!.body[0]!;
  t.same([e.negated, e.location.line, e.location.col], [true, 3, 3]);
});

t.test('v0 syntax and keyword imports', async (t) => {
  t.same(rules('p[x] { x := 1 }\np[k] = v { k := 1; v := 2 }\nq = 1 { true }\nf(x) = y { y := x }\nr { true }', 0), [
    'p contains x if { assign(x, 1) }',
    'p[k] = v if { assign(k, 1); assign(v, 2) }',
    'q = 1 if { true }',
    'f(x) = y if { assign(y, x) }',
    'r if { true }',
  ]);
  t.same(rules('p[1]', 0), ['p contains 1']);
  t.same(mod('package p\nimport future.keywords.in\np { 1 in [1] }', 0).rules.map(printRule), ['p if { internal.member_2(1, [1]) }']);
  t.same(mod('package p\nimport future.keywords\np contains 1 if { every x in [1] { x > 0 } }', 0).rules.map(printRule), ['p contains 1 if { every x in [1] { gt(x, 0) } }']);
  // v0 `p.a` (= `p["a"]`) with no value is a set holding "a", with or without a body; a longer bare ref is true
  t.same(rules('p.a\np["b"] { true }\nq.a.b', 0), ['p contains "a"', 'p contains "b" if { true }', 'q.a.b']);
  t.same(mod('package p\np.a\nq.a.b', 0).rules.map((r) => r.kind), ['partial_set', 'complete']);
  // with `if` imported, `p[x] if …` is a single-value (object) rule, as in v1
  t.same(mod('package p\nimport future.keywords.if\na[x] if x := 1', 0).rules.map((r) => r.kind), ['partial_object']);
  // without the import, `in`/`if`/`contains` are plain names in v0
  t.match(errors('package p\np contains 1 if { true }', 0)[0], /rego_parse_error/);
  // `import rego.v1` switches a v0 file to v1 rules
  t.same(mod('package p\nimport rego.v1\np contains 1 if { true }', 0).regoVersion, 1);
  t.same(errors('package p\nimport rego.v1\np { true }', 0), ['p.rego:3:1: rego_parse_error: `if` keyword is required before rule body']);
});

t.test('queries and single terms', async (t) => {
  const q = parseQuery('data.test.p = x');
  t.same(q.diagnostics, []);
  t.same(printBody(q.body!), 'eq(data.test.p, x)');
  t.same(printBody(parseQuery('x := data.a[i]; y = f(x)\nz = 1').body!), 'assign(x, data.a[i]); eq(y, f(x)); eq(z, 1)');
  const term = parseTerm('{"foo": {{1}}}');
  t.same(term.diagnostics, []);
  t.same(printTerm(term.term!), '{"foo": {{1}}}');
  t.equal(term.term!.value.type, 'object');
  t.same(printTerm(parseTerm('"b"').term!), '"b"');
  t.same(parseTerm('{1').diagnostics.map(formatDiagnostic), ['term:1:3: rego_parse_error: unexpected EOF token: expected }']);
  t.same(parseQuery('').diagnostics.map((d) => d.message), ['empty query']);
});

t.test('syntax errors: exact code, message and line:col; the parser resumes at the next rule', async (t) => {
  t.same(errors('package p\np { true }'), ['p.rego:2:1: rego_parse_error: `if` keyword is required before rule body']);
  t.same(errors('package p\np[x] { x := 1 }'), [
    'p.rego:2:1: rego_parse_error: `if` keyword is required before rule body',
    'p.rego:2:1: rego_parse_error: `contains` keyword is required for partial set rules',
  ]);
  t.same(errors('package p\np if { x := [1,2 }\nq if { y := }\nr := 1'), [
    'p.rego:2:18: rego_parse_error: unexpected } token: expected ]',
    'p.rego:3:13: rego_parse_error: unexpected } token: expected term',
  ]);
  t.same(errors('package p\np if {}'), ['p.rego:2:6: rego_parse_error: found empty body']);
  t.same(errors('package p\np'), ['p.rego:2:1: rego_parse_error: rule must have value assignment and/or body declaration']);
  t.same(errors('p := 1'), ['p.rego:1:1: rego_parse_error: unexpected ident token: expected package']);
  t.same(errors(''), ['p.rego:1:1: rego_parse_error: empty module']);
  t.same(errors('package p\nimport foo.bar'), ['p.rego:2:8: rego_parse_error: invalid path foo.bar: path must begin with input, data, future or rego']);
  t.same(errors('package p\np if { x := 1 y := 2 }'), ['p.rego:2:15: rego_parse_error: unexpected ident token: expected \\n or ; or }']);
  t.same(errors('package p\np := "unterminated\nq := 1'), ['p.rego:2:6: rego_parse_error: non-terminated string']);
});

t.test('`with` belongs to a body expression: written in a rule head it is a parse error, never dropped', async (t) => {
  const heads = ['p := x with input as 1 if { x := 1 }', 'p := 1 with input as 1', 'p contains 1 with input as 1', 'p[k] := 1 with input as 1 if { k := "a" }', 'default p := 1 with input as 1', 'f(x) := x with input as 1', 'p := 1 if { true } else := 2 with input as 1'];
  for (const head of heads) {
    const errs = errors(`package p\n${head}`);
    t.equal(errs.length, 1, head);
    t.match(errs[0], /^p\.rego:2:\d+: rego_parse_error: unexpected with token/, head);
  }
  t.match(errors('package p\np = 1 with input as 1 { true }', 0), [/^p\.rego:2:7: rego_parse_error: unexpected with token/], 'v0 too');
  t.same(rules('p := x if { x := input with input as 1 }'), ['p := x if { assign(x, input) with input as 1 }'], 'in the body it is kept');
});

t.test('deep nesting gives a diagnostic, not a stack overflow', async (t) => {
  const deep = `package p\np := ${'['.repeat(100_000)}`;
  const d = errors(deep);
  t.equal(d.length, 1);
  t.match(d[0], /nesting too deep/);
  const ok = `package p\np := ${'['.repeat(100)}${']'.repeat(100)}`;
  t.same(errors(ok), []);
  t.match(errors(`package p\np if ${'{x | '.repeat(5000)}`)[0], /nesting too deep|expected/);
});

function conformanceModules(): { note: string; file: string; src: string }[] {
  const out: { note: string; file: string; src: string }[] = [];
  for (const category of fs.readdirSync(CASES).sort()) {
    for (const f of fs.readdirSync(path.join(CASES, category)).sort()) {
      const doc = YAML.parse(fs.readFileSync(path.join(CASES, category, f), 'utf8')) as { cases: { note: string; modules?: string[] }[] };
      for (const c of doc.cases) (c.modules ?? []).forEach((src, i) => out.push({ note: c.note, file: `${category}/${f}#${i}`, src }));
    }
  }
  return out;
}

t.test('every conformance module, query and input_term parses (Rego v1)', async (t) => {
  const mods = conformanceModules();
  t.ok(mods.length > 900);
  const failed = mods.flatMap((m) => parseModule(m.file, m.src, { regoVersion: 1 }).diagnostics.map(formatDiagnostic));
  t.same(failed, []);
  for (const category of fs.readdirSync(CASES)) {
    for (const f of fs.readdirSync(path.join(CASES, category))) {
      const doc = YAML.parse(fs.readFileSync(path.join(CASES, category, f), 'utf8')) as { cases: { query: string; input_term?: string }[] };
      for (const c of doc.cases) {
        t.same(parseQuery(c.query).diagnostics, [], c.query);
        if (c.input_term !== undefined) t.same(parseTerm(c.input_term).diagnostics, [], c.input_term);
      }
    }
  }
});

t.test('the OPA-built fixtures parse, in milliseconds', async (t) => {
  for (const dir of fs.readdirSync(FIXTURES)) {
    const full = path.join(FIXTURES, dir);
    if (!fs.statSync(full).isDirectory()) continue;
    const v = fixtureRegoVersion(full);
    const files = regoFiles(full);
    t.ok(files.length > 0, dir);
    const started = performance.now();
    for (const f of files) t.same(parseModule(f, fs.readFileSync(f, 'utf8'), { regoVersion: v }).diagnostics.map(formatDiagnostic), [], f);
    t.ok(performance.now() - started < 200, `${dir} parsed in ${(performance.now() - started).toFixed(1)} ms`);
  }
});

/** v0 (OPA 1.x --v0-compatible) unless the bundle manifest says `rego_version: 1`. */
function fixtureRegoVersion(dir: string): 0 | 1 {
  const manifest = path.join(dir, 'bundle.manifest');
  if (!fs.existsSync(manifest)) return 0;
  return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { rego_version?: number }).rego_version === 1 ? 1 : 0;
}

function regoFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? regoFiles(path.join(dir, e.name)) : e.name.endsWith('.rego') ? [path.join(dir, e.name)] : []));
}
