// The gateway follows the policy store's active version as the server's hosts do: publishing a bundle
// swaps its local policy (and decisions follow it), rolling back swaps it back.
import t from 'tap';
import { connectBus } from '../../src/bus/index.js';
import { Gateway } from '../../src/gateway/index.js';
import { PolicyStore } from '../../src/policy/store/index.js';
import { provisionWorld, startHarness } from '../e2e/lib/harness.js';
import { labelledArchive } from '../policy/store/lib.js';

const h = await startHarness();
t.teardown(() => h.stop());
const w = await provisionWorld(h);
const gateway = await Gateway.start({ natsUrl: h.nats.url, serverUrl: h.url, clientId: w.rs.id, clientSecret: w.rs.secret, issuer: h.server.config.issuer, log: () => undefined });
t.teardown(() => gateway.stop());
const bus = await connectBus({ servers: h.nats.url });
t.teardown(() => bus.close());
const store = await PolicyStore.open(bus);

async function until(what: string, f: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

t.test('publish and roll back', async (t) => {
  const tok = await h.form('/token', { grant_type: 'client_credentials', scope: 'read', resource: w.rs.resource, resource_type: 'api' }, w.client);
  const token = tok.body.access_token as string;
  await until('the gateway to learn the token', () => gateway.knows(token));
  const before = gateway.stats().policyVersion;
  const first = await gateway.check(token, { action: 'read' });
  t.match(first, { active: true, source: 'local', policy_version: before });

  // The labelled test policy allows an introspection only when input.ok is true: never, here.
  const v2 = (await store.publish(labelledArchive('gateway-swap'), { who: 'test' })).record.version;
  await until('the swap', () => gateway.stats().policyVersion === v2);
  t.match(await gateway.check(token, { action: 'read' }), { active: false, source: 'local' }, 'decided by the new version');

  await store.publish(labelledArchive('gateway-swap-2'), { who: 'test' });
  await until('the second swap', () => gateway.stats().policyVersion !== v2);
  await store.activate(v2, 'test');
  await until('the rollback', () => gateway.stats().policyVersion === v2);
  t.pass(`rolled back to ${v2}`);
});
