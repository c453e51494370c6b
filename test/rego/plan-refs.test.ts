// Refs into `data`: rules called where the ref names them, iteration over rule keys and base keys
// alike (the base document's keys that a rule shadows are skipped), whole subtrees merged from virtual
// and base documents, and integer keys of the base document.
import t from 'tap';
import { formatDiagnostic } from '../../src/rego/ast/types.js';
import { check } from '../../src/rego/check/index.js';
import { parseModule } from '../../src/rego/parser/index.js';
import { plan } from '../../src/rego/plan/index.js';
import type { Policy } from '../../src/rego/plan/ir.js';
import { interpret } from '../helpers/ir-interpreter.js';
import { formatPolicy } from '../../src/rego/plan/print.js';

function compile(sources: string[], entrypoints: string[]): Policy {
  const modules = sources.map((source, i) => {
    const parsed = parseModule(`m${i}.rego`, source, { regoVersion: 1 });
    if (!parsed.module) throw new Error(parsed.diagnostics.map(formatDiagnostic).join('\n'));
    return parsed.module;
  });
  const checked = check(modules);
  if (checked.diagnostics.length > 0) throw new Error(checked.diagnostics.map(formatDiagnostic).join('\n'));
  const r = plan(checked.modules, entrypoints);
  if (!r.policy) throw new Error(r.diagnostics.map(formatDiagnostic).join('\n'));
  return r.policy;
}

const run = (policy: Policy, entrypoint: string, data: unknown = {}, input?: unknown): unknown[] => interpret(policy, entrypoint, input, data);

t.test('a package entrypoint is the merge of its rules and the base document', async (t) => {
  const policy = compile(['package a.b\n\np := 1\n\nq contains "x"\n', 'package a.b.c\n\nr := true\n'], ['a', 'a/b']);
  const text = formatPolicy(policy);
  t.match(text, /ObjectMerge/);
  t.same(run(policy, 'a', { a: { base: 7, b: { d: 1 } } }), [{ result: { b: { p: 1, q: ['x'], c: { r: true }, d: 1 }, base: 7 } }]);
  t.same(run(policy, 'a/b'), [{ result: { p: 1, q: ['x'], c: { r: true } } }]);
});

t.test('an empty package is an empty object', async (t) => {
  const policy = compile(['package x.y\n'], ['x']);
  t.same(run(policy, 'x'), [{ result: { y: {} } }]);
});

t.test('a variable key iterates over rules and base keys, rules shadowing base keys', async (t) => {
  const policy = compile(
    ['package pkg\n\np := 1\n\nq := 2\n', 'package t\n\nkeys contains k if data.pkg[k]\n\nvals contains v if v := data.pkg[_]\n'],
    ['t/keys', 't/vals'],
  );
  const data = { pkg: { p: 100, z: 3 } };
  t.same(run(policy, 't/keys', data), [{ result: ['p', 'q', 'z'] }]);
  t.same(run(policy, 't/vals', data), [{ result: [1, 2, 3] }]);
});

t.test('a bound key picks the rule or the base document', async (t) => {
  const policy = compile(['package pkg\n\np := "virtual"\n', 'package t\n\nv := data.pkg[input.k]\n'], ['t/v']);
  const data = { pkg: { p: 'base', z: 'base z' } };
  t.same(run(policy, 't/v', data, { k: 'p' }), [{ result: 'virtual' }]);
  t.same(run(policy, 't/v', data, { k: 'z' }), [{ result: 'base z' }]);
  t.same(run(policy, 't/v', data, { k: 'nope' }), []);
});

t.test('the rest of a ref walks the value a rule produced', async (t) => {
  const policy = compile(['package t\n\nobj := {"a": [1, 2], "b": [3]}\n\nflat contains x if x := obj[_][_]\n\nsecond := obj.a[1]\n'], ['t/flat', 't/second']);
  t.same(run(policy, 't/flat'), [{ result: [1, 2, 3] }]);
  t.same(run(policy, 't/second'), [{ result: 2 }]);
});

t.test('an integer key into the base document also finds the key of its text', async (t) => {
  const policy = compile(['package t\n\np := data.nested[2]\n\nq := data.arr[1]\n\nr := o[2] if o := data.nested\n'], ['t/p', 't/q', 't/r']);
  const data = { nested: { '2': 'bar' }, arr: ['x', 'y'] };
  t.same(run(policy, 't/p', data), [{ result: 'bar' }]);
  t.same(run(policy, 't/q', data), [{ result: 'y' }]);
  t.same(run(policy, 't/r', data), []);
});

t.test('input refs walk with Dot and Scan', async (t) => {
  const policy = compile(['package t\n\nnames contains n if n := input.users[_].name\n'], ['t/names']);
  const text = formatPolicy(policy);
  t.match(text, /Scan/);
  t.same(run(policy, 't/names', {}, { users: [{ name: 'a' }, { name: 'b' }, {}] }), [{ result: ['a', 'b'] }]);
});
