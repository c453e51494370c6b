// `with`: input and data replaced by With statements for one expression (the rest of the body sees the
// originals again), rules below a replaced data path read the replacement, and functions and builtins
// mocked by functions, builtins or values — transitively, through the rules the expression calls.
import t from 'tap';
import { interpret } from '../helpers/ir-interpreter.js';
import { planPolicy } from '../helpers/plan-policy.js';
import { formatPolicy } from '../../src/rego/plan/print.js';


function value(source: string, input?: unknown, data: unknown = {}): unknown {
  const rs = interpret(planPolicy(`package test\n\n${source}\n`, ['test/p']), 'test/p', input, data);
  return rs.length === 0 ? undefined : (rs[0] as { result: unknown }).result;
}

t.test('with input replaces input for one expression only', async (t) => {
  const src = 'q := input.x\n\np := [a, b] if {\n\ta := q with input.x as 2\n\tb := q\n}';
  t.same(value(src, { x: 1 }), [2, 1]);
  t.equal(value(src), undefined, 'an absent input is absent again after the with');
  t.match(formatPolicy(planPolicy(`package test\n\n${src}\n`, ['test/p'])), /With %0 \[x\]/);
});

t.test('with data replaces base documents and the rules below the path', async (t) => {
  t.same(value('q := 1\n\np := [a, b] if {\n\ta := data.test.q with data.test.q as 5\n\tb := data.test.q\n}'), [5, 1]);
  t.same(value('p := v if v := data.cfg.x with data.cfg as {"x": 3}', undefined, { cfg: { x: 1 } }), 3);
  t.same(value('r := data.cfg.x\n\np := v if v := r with data.cfg.x as 9', undefined, { cfg: { x: 1 } }), 9);
});

t.test('negated expressions with with', async (t) => {
  t.same(value('q if input.x\n\np if not q with input.x as false', { x: true }), true);
  t.equal(value('q if input.x\n\np if not q with input.x as true', { x: false }), undefined);
});

t.test('with on a function: replaced by a function, a builtin or a value, also in called rules', async (t) => {
  t.same(value('f(x) := x + 1\n\ng(x) := x * 10\n\np := v if v := f(1) with f as g'), 10);
  t.same(value('f(x) := 1\n\np := v if v := f([1, 2]) with f as count'), 2);
  t.same(value('f(_) := 1\n\np := v if v := f(3) with f as 7'), 7);
  t.same(value('f(x) := x\n\nq := f(2)\n\np := [a, b] if {\n\ta := q with f as 5\n\tb := q\n}'), [5, 2]);
});

t.test('a replacement function calling the function it replaces sees the original', async (t) => {
  t.same(value('g(x) := x + 1\n\nf(x) := g(x) * 10\n\nh(x) := f(x) + 1000\n\np := v if v := h(1) with g as f'), 1200);
});

t.test('with on a builtin', async (t) => {
  t.same(value('p := v if v := count([1]) with count as 42'), 42);
  t.same(value('mock(_) := "m"\n\nq := count([])\n\np := v if v := q with count as mock'), 'm');
});

t.test('a mock value reading local variables reaches the rules the with calls (carried in data)', async (t) => {
  t.same(value('f(_) := 1\n\nq := f(0)\n\np := [a, b] if {\n\tx := 5\n\ta := q with f as x\n\tb := q\n}'), [5, 1]);
  t.same(value('r if count([1, 2, 3]) == 1\n\nq if r\n\np if {\n\tn := 1\n\tq with count as n\n}'), true);
  t.same(value('q := time.now_ns()\n\np := v if {\n\tx := [1, 2]\n\tv := q with time.now_ns as x\n}'), [1, 2]);
});
