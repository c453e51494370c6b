// Rule bodies: unification (`=`, `:=`, array and object patterns), comparison calls, negation,
// `some … in`, `x in xs`, `every`, comprehensions and captured builtin outputs.
import t from 'tap';
import { interpret } from '../helpers/ir-interpreter.js';
import { planPolicy } from '../helpers/plan-policy.js';
import { formatPolicy } from '../../src/rego/plan/print.js';


/** The value of `test/p` for an input. */
function value(source: string, input?: unknown): unknown {
  const rs = interpret(planPolicy(`package test\n\n${source}\n`, ['test/p']), 'test/p', input, {});
  return rs.length === 0 ? undefined : (rs[0] as { result: unknown }).result;
}

t.test('unification binds through array and object patterns', async (t) => {
  t.same(value('p := [a, b] if [a, b] = [1, input.x]', { x: 2 }), [1, 2]);
  t.same(value('p := x if { [1, x] = input.pair }', { pair: [1, 'y'] }), 'y');
  t.equal(value('p := x if { [2, x] = input.pair }', { pair: [1, 'y'] }), undefined);
  t.equal(value('p := x if { [x] = input.pair }', { pair: [1, 'y'] }), undefined);
  t.same(value('p := [x, y] if { {"a": x, "b": [y]} = input.o }', { o: { a: 1, b: [2] } }), [1, 2]);
  t.equal(value('p := x if { {"a": x} = input.o }', { o: { a: 1, b: 2 } }), undefined);
  t.equal(value('p if [1, 2] = [1, 2, 3]'), undefined);
});

t.test('== compares with the equal builtin, = and := unify', async (t) => {
  const policy = planPolicy('package test\n\np if input.a == 1\n', ['test/p']);
  t.match(formatPolicy(policy), /Call func="equal"/);
  t.match(formatPolicy(policy), /NotEqual a=%\d+ b=false/);
  t.same(value('p if input.a == 1', { a: 1 }), true);
  t.equal(value('p if input.a == 1', { a: 2 }), undefined);
  t.same(value('p := x if { x := input.a; x = 1 }', { a: 1 }), 1);
  t.same(value('p if 1 + 1 == 2'), true);
});

t.test('a builtin with one argument more captures its result', async (t) => {
  t.same(value('p := n if count(input.xs, n)', { xs: [1, 2] }), 2);
  t.same(value('p if count(input.xs, 2)', { xs: [1, 2] }), true);
  t.equal(value('p if count(input.xs, 3)', { xs: [1, 2] }), undefined);
});

t.test('negation holds when its expression does not, seeing no bindings from it', async (t) => {
  t.same(value('p if not input.x', {}), true);
  t.equal(value('p if not input.x', { x: true }), undefined);
  t.same(value('p if not input.x', { x: false }), true);
  t.same(value('has2 if input.xs[_] == 2\n\np if not has2', { xs: [1, 3] }), true);
  t.equal(value('has2 if input.xs[_] == 2\n\np if not has2', { xs: [2, 3] }), undefined);
});

t.test('some … in binds keys and values; x in xs tests membership', async (t) => {
  t.same(value('p contains [k, v] if some k, v in input.o', { o: { a: 1 } }), [['a', 1]]);
  t.same(value('p if 2 in input.xs', { xs: [1, 2] }), true);
  t.equal(value('p if 3 in input.xs', { xs: [1, 2] }), undefined);
  t.same(value('p := b if b := 3 in input.xs', { xs: [1, 2] }), false);
  t.same(value('p if "a", 1 in input.o', { o: { a: 1 } }), true);
  t.same(value('p := x if x := 1 in 5'), false);
});

t.test('every holds when all elements satisfy the body, and not on non-collections', async (t) => {
  t.same(value('p if every x in input.xs { x > 0 }', { xs: [1, 2] }), true);
  t.equal(value('p if every x in input.xs { x > 1 }', { xs: [1, 2] }), undefined);
  t.same(value('p if every x in input.xs { x > 1 }', { xs: [] }), true);
  t.equal(value('p if every x in input.xs { x > 1 }', { xs: 5 }), undefined);
  t.same(value('p if every k, v in input.o { k == v }', { o: { a: 'a' } }), true);
});

t.test('comprehensions collect solutions of their bodies', async (t) => {
  t.same(value('p := [x * 2 | some x in input.xs]', { xs: [1, 2] }), [2, 4]);
  t.same(value('p := {x | some x in input.xs}', { xs: [1, 1, 2] }), [1, 2]);
  t.same(value('p := {k: v | some k, v in input.xs}', { xs: ['a'] }), { 0: 'a' });
  t.same(value('p := [y | some x in input.xs; y := x + input.k]', { xs: [1], k: 10 }), [11]);
  t.same(value('p := [x | some x in input.xs; x > 5]', { xs: [1] }), []);
});

t.test('a bare false ends the body, a constant holds', async (t) => {
  t.equal(value('p if false'), undefined);
  t.same(value('p if { 1; "s"; [1] }'), true);
});

t.test('a body of thousands of expressions plans without nesting the planner', async (t) => {
  const lines = Array.from({ length: 3000 }, (_, i) => `\tx${i} := input.n + ${i}`).join('\n');
  t.same(value(`p := x2999 if {\n${lines}\n}`, { n: 1 }), 3000);
});
