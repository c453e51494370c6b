// Decisions asked for in one turn of the event loop travel to workers in few messages, spread over the
// workers; a bad item fails alone (errors come back as data); a full queue sheds load with a typed error.
import t from 'tap';
import { createPolicyPool, PolicyError, PolicyOverloadError } from '../../src/policy/index.js';
import { allowedInput, rbacBundle, rbacEntrypoint } from './lib.js';

t.test('one turn of decisions is batched and spread over the workers', async (t) => {
  const pool = await createPolicyPool({ bundle: rbacBundle('v1'), workers: 2 });
  t.teardown(() => pool.close());
  const results = await Promise.all(Array.from({ length: 256 }, () => pool.decide(rbacEntrypoint, allowedInput)));
  t.ok(results.every((r) => r.result.allow === true && r.version === 'v1'), 'every decision allowed, by v1');
  const m = pool.metrics();
  t.ok(m.batchesTotal >= 2, `spread over more than one message (${m.batchesTotal})`);
  t.ok(m.batchesTotal <= 8, `batched: 256 decisions in ${m.batchesTotal} messages`);
  t.equal(m.decisionsTotal, 256);
  t.equal(m.decisionLatency.count, 256);
  t.equal(m.queueDepth, 0);
  t.equal(m.inFlight, 0);
});

t.test('a failing item is rejected alone; its batch mates succeed', async (t) => {
  const pool = await createPolicyPool({ bundle: rbacBundle('v1'), workers: 1 });
  t.teardown(() => pool.close());
  const good = pool.decide(rbacEntrypoint, allowedInput);
  const bad = pool.decide('no/such/entrypoint', allowedInput);
  const denied = pool.decide(rbacEntrypoint, { user: 'nobody', action: 'edit', object: 'article' });
  t.equal((await good).result.allow, true);
  await t.rejects(bad, { code: 'policy_unknown_entrypoint' });
  t.same((await denied).result, { allow: false });
  t.equal(pool.metrics().batchesTotal, 1, 'all three in one message');
  t.equal(pool.metrics().errorsTotal, 1);
});

t.test('the queue is bounded', async (t) => {
  const pool = await createPolicyPool({ bundle: rbacBundle('v1'), workers: 1, maxQueue: 10 });
  t.teardown(() => pool.close());
  const accepted = Array.from({ length: 10 }, () => pool.decide(rbacEntrypoint, allowedInput));
  t.equal(pool.queueDepth, 10);
  const err = await pool.decide(rbacEntrypoint, allowedInput).catch((e: unknown) => e);
  t.ok(err instanceof PolicyOverloadError, 'overload error');
  t.ok(err instanceof PolicyError && err.code === 'policy_overloaded' && err.retryable, 'typed, retryable');
  t.equal((await Promise.all(accepted)).length, 10, 'queued decisions still answered');
  t.equal(pool.metrics().overloadsTotal, 1);
  t.ok((await pool.decide(rbacEntrypoint, allowedInput)).result.allow, 'accepts again once drained');
});

t.test('an entrypoint that would break the batch framing is refused', async (t) => {
  const pool = await createPolicyPool({ bundle: rbacBundle('v1'), workers: 1 });
  t.teardown(() => pool.close());
  t.throws(() => pool.decide('rbac\nallow', allowedInput), TypeError);
  t.throws(() => pool.decide('rbac\u0000allow', allowedInput), TypeError);
  t.ok((await pool.decide(rbacEntrypoint, allowedInput)).result.allow, 'the pool still decides');
});

t.test('a closed pool refuses decisions', async (t) => {
  const pool = await createPolicyPool({ bundle: rbacBundle('v1'), workers: 1 });
  await pool.close();
  await t.rejects(pool.decide(rbacEntrypoint, allowedInput), { code: 'policy_closed' });
});

t.test('a bundle that does not load is refused before any worker starts', async (t) => {
  await t.rejects(createPolicyPool({ bundle: { wasm: new Uint8Array([0, 97, 115, 109]), version: 'bad' }, workers: 1 }), { code: 'policy_load_error' });
});
