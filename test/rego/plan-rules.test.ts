// The planner lowers rules to functions: complete rules guarded by AssignVarOnce, `else` chains,
// defaults, partial sets, ref-head objects built with ObjectInsertOnce, and functions whose
// arguments are matched by unification.
import t from 'tap';
import type { Func, Policy, Stmt } from '../../src/rego/plan/ir.js';
import { interpret } from '../helpers/ir-interpreter.js';
import { planPolicy } from '../helpers/plan-policy.js';


function func(policy: Policy, suffix: string): Func {
  const f = policy.funcs.find((x) => x.name.endsWith(suffix));
  if (!f) throw new Error(`no func ${suffix} in ${policy.funcs.map((x) => x.name).join(', ')}`);
  return f;
}

function stmts(blocks: { stmts: Stmt[] }[]): Stmt[] {
  const out: Stmt[] = [];
  const walk = (s: Stmt): void => {
    out.push(s);
    if (s.type === 'Block') for (const b of s.blocks) b.stmts.forEach(walk);
    if (s.type === 'Scan' || s.type === 'Not' || s.type === 'With') s.block.stmts.forEach(walk);
  };
  for (const b of blocks) b.stmts.forEach(walk);
  return out;
}

const types = (f: Func): string[] => stmts(f.blocks).map((s) => s.type);
const run = (policy: Policy, entrypoint: string, input?: unknown, data?: unknown): unknown[] => interpret(policy, entrypoint, input, data ?? {});

t.test('a complete rule is a function of input and data whose value is checked for conflicts', async (t) => {
  const policy = planPolicy('package test\n\np := x if { x := input.v }\n', ['test/p']);
  const p = func(policy, '.data.test.p');
  t.same(p.params, [0, 1]);
  t.ok(types(p).includes('AssignVarOnce'));
  t.equal(types(p).at(-1), 'ReturnLocal');
  t.same(run(policy, 'test/p', { v: 3 }), [{ result: 3 }]);
  t.same(run(policy, 'test/p', {}), []);
  t.same(policy.plans.map((x) => x.name), ['test/p']);
});

t.test('two definitions giving different values are a conflict', async (t) => {
  const policy = planPolicy('package test\n\np := 1 if input.a\n\np := 2 if input.b\n', ['test/p']);
  t.same(run(policy, 'test/p', { a: true }), [{ result: 1 }]);
  t.throws(() => run(policy, 'test/p', { a: true, b: true }), { code: 'eval_conflict_error', message: 'complete rules must not produce multiple outputs' });
});

t.test('default applies only when no other definition holds', async (t) => {
  const policy = planPolicy('package test\n\ndefault allow := false\n\nallow if input.ok\n', ['test/allow']);
  const f = func(policy, '.data.test.allow');
  t.ok(stmts(f.blocks).some((s) => s.type === 'IsUndefined' && s.source === f.return));
  t.same(run(policy, 'test/allow', { ok: true }), [{ result: true }]);
  t.same(run(policy, 'test/allow', {}), [{ result: false }]);
});

t.test('else branches run only while the earlier ones are undefined', async (t) => {
  const policy = planPolicy('package test\n\np := "a" if input.x == 1\nelse := "b" if input.x == 2\nelse := "c"\n', ['test/p']);
  t.same(run(policy, 'test/p', { x: 1 }), [{ result: 'a' }]);
  t.same(run(policy, 'test/p', { x: 2 }), [{ result: 'b' }]);
  t.same(run(policy, 'test/p', { x: 3 }), [{ result: 'c' }]);
});

t.test('a partial set collects elements with SetAdd', async (t) => {
  const policy = planPolicy('package test\n\ns contains x if { some x in input.xs; x > 1 }\n', ['test/s']);
  const s = func(policy, '.data.test.s');
  t.equal(s.blocks[0]?.stmts[0]?.type, 'MakeSet');
  t.ok(types(s).includes('SetAdd'));
  t.same(run(policy, 'test/s', { xs: [1, 2, 3, 2] }), [{ result: [2, 3] }]);
});

t.test('ref heads with variables build an object with ObjectInsertOnce', async (t) => {
  const policy = planPolicy('package test\n\na.b[k] := v if { some k, v in input.m }\n\na.b.fixed := 0\n', ['test/a']);
  const f = func(policy, '.data.test.a.b');
  t.ok(types(f).includes('ObjectInsertOnce'));
  t.same(run(policy, 'test/a', { m: { x: 1 } }), [{ result: { b: { fixed: 0, x: 1 } } }]);
  t.throws(() => run(policy, 'test/a', { m: { fixed: 1 } }), { code: 'eval_conflict_error', message: 'object keys must be unique' });
});

t.test('multi-value ref heads nest sets in objects', async (t) => {
  const policy = planPolicy('package test\n\ng[k] contains v if { some k, v in input.pairs }\n', ['test/g']);
  t.same(run(policy, 'test/g', { pairs: ['a', 'b'] }), [{ result: { 0: ['a'], 1: ['b'] } }]);
});

t.test('functions match their arguments by unification, and may have several definitions', async (t) => {
  const src = 'package test\n\nf(1) := "one"\n\nf([x, y]) := x + y\n\nf(x) := "big" if { is_number(x); x > 100 }\n\np := [f(1), f([2, 3]), f(200)]\n\nq := f(7)\n';
  const policy = planPolicy(src, ['test/p', 'test/q']);
  const f = func(policy, '.data.test.f');
  t.equal(f.params.length, 3);
  t.same(run(policy, 'test/p'), [{ result: ['one', 5, 'big'] }]);
  t.same(run(policy, 'test/q'), []);
});

t.test('a function with conflicting definitions fails at run time', async (t) => {
  const policy = planPolicy('package test\n\nf(x) := 1 if x > 0\n\nf(x) := 2 if x > 1\n\np := f(5)\n', ['test/p']);
  t.throws(() => run(policy, 'test/p'), { code: 'eval_conflict_error', message: /functions must not produce multiple outputs/ });
});
