// The per-evaluation memo of the Wasm back end (runtime memo.ts): a complete rule is computed once per
// evaluation however often it is referenced, a function once per argument values (by identity), and a
// `with` sees neither values computed outside it nor leaks its own.
import t from 'tap';
import { compileRego, loadRegoPolicy } from '../../src/rego/index.js';

const source = `package m

# opa.runtime is a host builtin: the test counts its calls.
r := opa.runtime()

refs := [r, r, r]

f(x) := [x, opa.runtime()]

calls := [f(input.a), f(input.a), f(input.b)]

p := input.x

shadowed := [p, q, p] if q := p with input.x as 2

looped := [v | some i in numbers.range(1, 300); v := p with input.x as i]

g(y) := [y, input.x]

g_under_with := [g(1), h, g(1)] if h := g(1) with input.x as "w"

nothing := input.absent

twice := [count([1 | nothing]), count([1 | nothing]), 1] if not nothing
`;
const { wasm, diagnostics } = compileRego({
  files: [{ path: 'm.rego', source }],
  entrypoints: ['m/refs', 'm/calls', 'm/shadowed', 'm/looped', 'm/g_under_with', 'm/twice'],
});

async function load(): Promise<{ policy: Awaited<ReturnType<typeof loadRegoPolicy>>; calls: () => number }> {
  let n = 0;
  const policy = await loadRegoPolicy(wasm as Uint8Array, {}, { extra: { 'opa.runtime': () => ({ n: ++n }) } });
  return { policy, calls: () => n };
}

t.same(diagnostics, []);

t.test('a complete rule is computed once per evaluation', async (t) => {
  const { policy, calls } = await load();
  t.same(policy.evaluate({}, 'm/refs'), [{ result: [{ n: 1 }, { n: 1 }, { n: 1 }] }]);
  t.equal(calls(), 1);
  t.same(policy.evaluate({}, 'm/refs'), [{ result: [{ n: 2 }, { n: 2 }, { n: 2 }] }], 'and again in the next one');
});

t.test('a function is computed once per argument', async (t) => {
  const { policy, calls } = await load();
  const [res] = policy.evaluate({ a: { k: 1 }, b: { k: 2 } }, 'm/calls') as { result: [unknown, [unknown, { n: number }]][] }[];
  const [one, again, other] = res!.result;
  t.same(one, again, 'same argument: same result');
  t.same(one![0], { k: 1 });
  t.same(other![0], { k: 2 });
  t.equal(calls(), 2);
});

t.test('with: no stale values in either direction', async (t) => {
  const { policy } = await load();
  t.same(policy.evaluate({ x: 1 }, 'm/shadowed'), [{ result: [1, 2, 1] }]);
  t.same(policy.evaluate({ x: 1 }, 'm/g_under_with'), [{ result: [[1, 1], [1, 'w'], [1, 1]] }]);
  const looped = policy.evaluate({ x: 0 }, 'm/looped') as { result: number[] }[];
  t.same(looped[0]!.result, Array.from({ length: 300 }, (_, i) => i + 1), 'a with in a loop sees each value');
});

t.test('an undefined rule stays undefined when referenced again', async (t) => {
  const { policy } = await load();
  t.same(policy.evaluate({}, 'm/twice'), [{ result: [0, 0, 1] }]);
  t.same(policy.evaluate({ absent: true }, 'm/twice'), [], 'and defined in the next evaluation');
});
