// Restarting the actor host (gracefully, then as a crash) loses no issued token.
import t from 'tap';
import { provisionWorld, startHarness } from './lib/harness.js';

const h = await startHarness();
t.teardown(() => h.stop());
const w = await provisionWorld(h);

async function issue(n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i += 25) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(25, n - i) }, () =>
        h.form('/token', { grant_type: 'client_credentials', scope: 'read', resource: w.rs.resource, resource_type: 'api' }, w.client),
      ),
    );
    for (const r of batch) {
      if (r.status !== 200) throw new Error(JSON.stringify(r.body));
      out.push(r.body.access_token as string);
    }
  }
  return out;
}

async function activeCount(tokens: string[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < tokens.length; i += 25) {
    const rs = await Promise.all(tokens.slice(i, i + 25).map((token) => h.form('/introspect', { token }, w.rs)));
    n += rs.filter((r) => r.body.active === true).length;
  }
  return n;
}

t.test('graceful restart', async (t) => {
  const tokens = await issue(200);
  await h.restart();
  t.equal(await activeCount(tokens), tokens.length, 'every token still introspects active');
});

t.test('crash restart (leases not handed back; same host id reclaims them)', async (t) => {
  const tokens = await issue(100);
  await h.restart({ crash: true });
  t.equal(await activeCount(tokens), tokens.length);
});
