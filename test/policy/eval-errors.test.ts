// An evaluation error (here a Rego conflict) comes back from the worker as data and rejects only its
// own decision, with the Rego error code; the worker keeps serving.
import t from 'tap';
import { createPolicyPool, PolicyError } from '../../src/policy/index.js';
import { compileRego } from '../../src/rego/index.js';

const source = `package t

x := 1 if input.a

x := 2 if input.b
`;

t.test('a conflict is a policy_eval_error with its Rego code', async (t) => {
  const { wasm, diagnostics } = compileRego({ files: [{ path: 'conflict.rego', source }], entrypoints: ['t/x'] });
  if (!wasm) {
    t.fail(`compile: ${JSON.stringify(diagnostics)}`);
    return;
  }
  const pool = await createPolicyPool({ bundle: { wasm, version: 'c1' }, workers: 1 });
  t.teardown(() => pool.close());
  const bad = pool.evaluate('t/x', { a: true, b: true });
  const good = pool.evaluate('t/x', { a: true });
  const err = await bad.catch((e: unknown) => e);
  t.ok(err instanceof PolicyError, 'a PolicyError');
  t.match(err, { code: 'policy_eval_error', evalCode: 'eval_conflict_error' });
  t.same((await good).resultSet, [{ result: 1 }], 'its batch mate is answered');
  t.same((await pool.evaluate('t/x', { b: true })).resultSet, [{ result: 2 }], 'the worker keeps serving');
  t.same((await pool.decide('t/x', {})).result, { allow: false, reason: 'policy_undefined' }, 'undefined decision denies');
});
