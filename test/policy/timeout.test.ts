// A decision whose worker does not answer within policyTimeoutMs rejects with the pool's retryable
// PolicyError (the edge answers 503 + Retry-After); the stuck worker is replaced and the pool serves on.
import t from 'tap';
import { createPolicyPool, PolicyError } from '../../src/policy/index.js';
import { compileRego } from '../../src/rego/index.js';

// A nested iteration that runs for many seconds without allocating much: a worker stuck in evaluation.
const source = `package t

import rego.v1

slow if {
  some i in numbers.range(1, input.n)
  some j in numbers.range(1, input.n)
  i * j == -1
}

fast := true
`;

t.test('a stuck worker times out its batch and is replaced', async (t) => {
  const { wasm, diagnostics } = compileRego({ files: [{ path: 'slow.rego', source }], entrypoints: ['t/slow', 't/fast'] });
  if (!wasm) {
    t.fail(`compile: ${JSON.stringify(diagnostics)}`);
    return;
  }
  const pool = await createPolicyPool({ bundle: { wasm, version: 's1' }, workers: 1, policyTimeoutMs: 300 });
  t.teardown(() => pool.close());
  const t0 = Date.now();
  const err = await pool.evaluate('t/slow', { n: 100_000 }).catch((e: unknown) => e);
  const took = Date.now() - t0;
  t.ok(err instanceof PolicyError, `a PolicyError: ${String(err)}`);
  t.ok((err as PolicyError).retryable, 'retryable: the edge answers 503 with Retry-After');
  t.match(String((err as Error).message), /300 ms/);
  t.ok(took < 3000, `rejected near the deadline (${took} ms)`);
  t.equal(pool.metrics().timeoutsTotal, 1, 'the timeout is counted');
  // The replacement worker needs a moment to start (tsx, Wasm compile); until then decisions may time out too.
  let next: unknown;
  for (let i = 0; i < 20; i++) {
    next = await pool.evaluate('t/fast', {}).catch((e: unknown) => e);
    if (!(next instanceof Error)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  t.same((next as { resultSet?: unknown }).resultSet, [{ result: true }], 'a replacement worker serves the next decision');
});
