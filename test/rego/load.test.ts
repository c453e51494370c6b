// loadRegoPolicy: the one loader — inputs of every JSON shape, pre-encoded inputs, errors as typed data.
import t from 'tap';
import { compileRego, loadRegoPolicy, RegoEvalError } from '../../src/rego/index.js';

const source = `package l

echo := input

conflict := 1 if input == "boom"

conflict := 2 if input == "boom"

semver_ok := semver.compare(input, "1.0.0")

size := count(data.items)

n := count(input)
`;
const { wasm } = compileRego({ files: [{ path: 'l.rego', source }], entrypoints: ['l/echo', 'l/conflict', 'l/semver_ok', 'l/size', 'l/n'] });

t.test('every JSON value is an input, falsy ones too', async (t) => {
  const policy = await loadRegoPolicy(wasm as Uint8Array);
  for (const v of [false, 0, null, '', [], {}, 'x', 1.5, { a: [1, { b: null }] }]) t.same(policy.evaluate(v, 'l/echo'), [{ result: v }], JSON.stringify(v));
  t.same(policy.evaluate(undefined, 'l/echo'), [], 'no input: input is undefined');
  t.same(policy.evaluateJson('{"a":1}', 'l/echo'), [{ result: { a: 1 } }]);
  const padded = new TextEncoder().encode('xx[1,2]').subarray(2);
  t.same(policy.evaluateJson(padded, 'l/echo'), [{ result: [1, 2] }], 'a view into a larger buffer');
});

t.test('data is set at load and replaced by setData', async (t) => {
  const policy = await loadRegoPolicy(wasm as Uint8Array, { items: [1, 2, 3] });
  t.same(policy.evaluate({}, 'l/size'), [{ result: 3 }]);
  policy.setData({ items: [] });
  t.same(policy.evaluate({}, 'l/size'), [{ result: 0 }]);
});

t.test('evaluation errors are RegoEvalError with an OPA code; the policy stays usable', async (t) => {
  const policy = await loadRegoPolicy(wasm as Uint8Array);
  t.throws(() => policy.evaluate('boom', 'l/conflict'), new RegoEvalError('eval_conflict_error', 'complete rules must not produce multiple outputs'));
  t.same(policy.evaluate('calm', 'l/conflict'), []);
  t.throws(() => policy.evaluate(1, 'l/nope'), TypeError);
});

t.test('a builtin type error is undefined, or an eval_type_error when strict (a load option)', async (t) => {
  const lax = await loadRegoPolicy(wasm as Uint8Array);
  t.same(lax.evaluate(1, 'l/n'), []);
  const strict = await loadRegoPolicy(wasm as Uint8Array, undefined, { strictBuiltinErrors: true });
  t.throws(() => strict.evaluate(1, 'l/n'), { code: 'eval_type_error', message: /count: operand 1 must be one of/ });
});

t.test('a failing host builtin is undefined, or an error when strict', async (t) => {
  const lax = await loadRegoPolicy(wasm as Uint8Array);
  t.same(lax.evaluate('not-semver', 'l/semver_ok'), []);
  t.same(lax.evaluate('2.0.0', 'l/semver_ok'), [{ result: 1 }]);
  const strict = await loadRegoPolicy(wasm as Uint8Array, undefined, { strictBuiltinErrors: true });
  t.throws(() => strict.evaluate('not-semver', 'l/semver_ok'), { code: 'eval_builtin_error', message: /semver.compare: operand 1/ });
});
