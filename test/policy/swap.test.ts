// Swapping bundles or policy data under load: no decision fails or is dropped, each is evaluated
// entirely against the version it names, and once the swap resolves only the new version decides.
import t from 'tap';
import { createPolicyPool } from '../../src/policy/index.js';
import { allowedInput, rbacBundle, rbacEntrypoint } from './lib.js';

t.test('activate a new bundle during a running load', async (t) => {
  const pool = await createPolicyPool({ bundle: rbacBundle('v1'), workers: 2 });
  t.teardown(() => pool.close());
  const seen: { version: string; allow: boolean; askedAfterSwap: boolean }[] = [];
  let stop = false;
  let swapped = false;
  // Eight clients deciding back to back.
  const clients = Array.from({ length: 8 }, async () => {
    while (!stop) {
      const askedAfterSwap = swapped;
      const r = await pool.decide(rbacEntrypoint, allowedInput);
      seen.push({ version: r.version, allow: r.result.allow, askedAfterSwap });
    }
  });
  await new Promise((r) => setTimeout(r, 100));
  await pool.activate(rbacBundle('v2', { revokeUserA: true }));
  swapped = true;
  const afterSwap = seen.length;
  while (seen.length < afterSwap + 200) await new Promise((r) => setTimeout(r, 10));
  stop = true;
  await Promise.all(clients);
  t.ok(seen.some((s) => s.version === 'v1') && seen.some((s) => s.version === 'v2'), `both versions decided (${seen.length} decisions)`);
  t.ok(seen.every((s) => (s.version === 'v1') === s.allow), 'each decision matches the data of the version it names');
  // A decision asked for after activate() resolved is decided by v2 (ones sent before may finish later, on v1).
  const late = seen.filter((s) => s.askedAfterSwap);
  t.ok(late.length > 150 && late.every((s) => s.version === 'v2'), `after the switch only v2 (${late.length} decisions)`);
  t.equal(pool.version, 'v2');
  t.equal(pool.metrics().errorsTotal, 0, 'no decision failed');
  await pool.activate(rbacBundle('v1'));
  t.equal((await pool.decide(rbacEntrypoint, allowedInput)).result.allow, true, 'rollback to v1');
});

t.test('a broken bundle leaves the old one active', async (t) => {
  const pool = await createPolicyPool({ bundle: rbacBundle('v1'), workers: 1 });
  t.teardown(() => pool.close());
  await t.rejects(pool.activate({ wasm: new Uint8Array([1, 2, 3]), version: 'broken' }), { code: 'policy_load_error' });
  const r = await pool.decide(rbacEntrypoint, allowedInput);
  t.equal(r.version, 'v1');
  t.equal(r.result.allow, true);
});

t.test('setData keeps the bundle and its base data, and decisions continue', async (t) => {
  const pool = await createPolicyPool({ bundle: rbacBundle('v1'), workers: 2 });
  t.teardown(() => pool.close());
  const load = Array.from({ length: 500 }, () => pool.decide(rbacEntrypoint, allowedInput));
  await pool.setData({ entitlements: {} });
  await pool.setData({ entitlements: { by_client_id: {} } });
  const all = await Promise.all(load);
  t.ok(all.every((r) => r.result.allow && r.version === 'v1'));
  t.equal((await pool.decide(rbacEntrypoint, allowedInput)).result.allow, true, 'base data.json still there');
  t.equal(pool.metrics().swapsTotal, 2);
});
