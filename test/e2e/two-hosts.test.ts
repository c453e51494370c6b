// Two actor hosts on one NATS: shards split between them, so token and introspection requests cross
// NATS between client and token actors; tokens issued through one host introspect through the other,
// and when one host leaves, the other takes its shards and every token still introspects.
import t from 'tap';
import { hostOf, provisionWorld, settleShards, startHarness, startSecondHost } from './lib/harness.js';

const h = await startHarness();
const host2 = await startSecondHost(h);
const second = host2.server;
t.teardown(async () => {
  await host2.stop();
  await h.stop();
});
const w = await provisionWorld(h);

async function post(url: string, path: string, form: Record<string, string>, id: string, secret: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` },
    body: new URLSearchParams(form).toString(),
  });
  return (await res.json()) as Record<string, unknown>;
}

t.test('shards split and requests cross hosts', async (t) => {
  await settleShards(h, host2);
  t.equal(hostOf(h.server).ownedCount(), 64, 'first host: half of 128');
  t.equal(hostOf(second).ownedCount(), 64, 'second host: the other half');
  const tokens: string[] = [];
  for (let i = 0; i < 40; i++) {
    const url = i % 2 ? second.url : h.url;
    const r = await post(url, '/token', { grant_type: 'client_credentials', scope: 'read', resource: w.rs.resource, resource_type: 'api' }, w.client.id, w.client.secret);
    t.type(r.access_token, 'string');
    tokens.push(r.access_token as string);
  }
  t.ok(h.server.router.remoteCalls + second.router.remoteCalls > 0, 'some calls went over NATS');
  for (const [i, token] of tokens.entries()) {
    const url = i % 2 ? h.url : second.url;
    t.equal((await post(url, '/introspect', { token }, w.rs.id, w.rs.secret)).active, true);
  }
  await host2.stop();
  await hostOf(h.server).rebalance();
  t.equal(hostOf(h.server).ownedCount(), 128, 'the survivor owns everything');
  let active = 0;
  for (const token of tokens) if ((await post(h.url, '/introspect', { token }, w.rs.id, w.rs.secret)).active === true) active++;
  t.equal(active, tokens.length, 'every token still introspects');
});
