// One-time identifiers across hosts: two bus connections to a real nats-server stand for two actor hosts
// sharing the replay bucket. A jti claimed on one is refused on the other, also when both race; a DPoP
// proof and a private_key_jwt replayed to the second host are refused; expired entries are reclaimed.
import t from 'tap';
import { JetStreamPipeline, connectBus } from '../../src/bus/index.js';
import { verifyClientAssertion } from '../../src/oauth/assertion/index.js';
import { verifyDpopProof } from '../../src/oauth/dpop/index.js';
import { OAuthError } from '../../src/oauth/errors.js';
import { BoundedFetcher, JwksCache } from '../../src/oauth/fetch/index.js';
import { MemoryReplayStore, openReplayStore, replayBucket, replayKey } from '../../src/oauth/replay/index.js';
import { startNats } from '../helpers/nats.js';
import { clientAssertion, dpopProof, makeKey } from '../helpers/oauth-keys.js';

const nats = await startNats();
const busA = await connectBus({ servers: nats.url, name: 'host-a' });
const busB = await connectBus({ servers: nats.url, name: 'host-b' });
const pipeA = new JetStreamPipeline(busA, { timeoutMs: 2000, maxInFlight: 10_000 });
const pipeB = new JetStreamPipeline(busB, { timeoutMs: 2000, maxInFlight: 10_000 });
let now = Date.now();
const hostA = await openReplayStore(busA, { replicas: 1, maxAgeMs: 600_000, pipeline: pipeA });
const hostB = await openReplayStore(busB, { replicas: 1, maxAgeMs: 600_000, pipeline: pipeB });
t.teardown(async () => {
  pipeA.close();
  pipeB.close();
  await busA.close();
  await busB.close();
  await nats.stop();
});

t.test('replay keys are fixed-size, KV-safe and scoped', async (t) => {
  const k = replayKey('dpop:abc', 'x'.repeat(5000));
  t.match(k, /^[A-Za-z0-9_-]{43}$/);
  t.not(replayKey('a', 'bc'), replayKey('ab', 'c'), 'scope and jti cannot run into each other');
});

t.test('the bucket exists once and bounds storage by max_age', async (t) => {
  await openReplayStore(busA, { replicas: 1, maxAgeMs: 600_000, pipeline: pipeA });
  const status = await (await busA.kvm.open(replayBucket)).status();
  t.equal(status.ttl, 600_000);
});

t.test('a jti claimed on one host is refused on the other', async (t) => {
  const exp = now + 60_000;
  t.equal(await hostA.claim('client_assertion:c1', 'j1', exp), true);
  t.equal(await hostB.claim('client_assertion:c1', 'j1', exp), false);
  t.equal(await hostA.claim('client_assertion:c1', 'j1', exp), false);
  t.equal(await hostB.claim('client_assertion:c2', 'j1', exp), true, 'another scope is another identifier');
});

t.test('racing hosts: exactly one claim of each jti wins', async (t) => {
  const exp = now + 60_000;
  const jtis = Array.from({ length: 200 }, (_, i) => `race-${i}`);
  const results = await Promise.all(jtis.flatMap((j) => [hostA.claim('dpop:k', j, exp), hostB.claim('dpop:k', j, exp), hostA.claim('dpop:k', j, exp)]));
  for (let i = 0; i < jtis.length; i++) {
    const wins = results.slice(i * 3, i * 3 + 3).filter(Boolean).length;
    if (wins !== 1) t.fail(`${jtis[i]} won ${wins} times`);
  }
  t.equal(results.filter(Boolean).length, jtis.length, '200 wins out of 600 claims');
});

t.test('an entry past its own expiry is reclaimed, once', async (t) => {
  const early = await openReplayStore(busA, { replicas: 1, maxAgeMs: 600_000, pipeline: pipeA });
  t.equal(await early.claim('s', 'short', Date.now() + 50), true);
  await new Promise((r) => setTimeout(r, 80));
  const results = await Promise.all([hostA.claim('s', 'short', Date.now() + 60_000), hostB.claim('s', 'short', Date.now() + 60_000)]);
  t.same(results.filter(Boolean).length, 1, 'exactly one host reclaims it');
});

t.test('a lifetime longer than the bucket keeps entries is a caller mistake', async (t) => {
  await t.rejects(hostA.claim('s', 'long', Date.now() + 700_000), TypeError);
});

t.test('a DPoP proof and a client assertion replayed to a second host are refused', async (t) => {
  now = Date.now();
  const key = await makeKey('ES256');
  const req = { method: 'POST', url: 'https://as.example/token' };
  const proof = await dpopProof(key);
  await verifyDpopProof(proof, req, { replay: hostA });
  const e1 = await verifyDpopProof(proof, req, { replay: hostB }).catch((e: unknown) => e);
  t.ok(e1 instanceof OAuthError && e1.error === 'invalid_dpop_proof' && /used before/.test(e1.description), 'DPoP replay on host B');

  const client = { client_id: 'svc', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] } };
  const keys = new JwksCache(new BoundedFetcher());
  const a = { clientId: 'svc', assertion: await clientAssertion(key, 'svc', 'https://as.example') };
  const common = { audiences: ['https://as.example'], keys };
  await verifyClientAssertion(a, client, { ...common, replay: hostA });
  const e2 = await verifyClientAssertion(a, client, { ...common, replay: hostB }).catch((e: unknown) => e);
  t.ok(e2 instanceof OAuthError && e2.error === 'invalid_client' && /used before/.test(e2.description), 'assertion replay on host B');
});

t.test('the in-memory store: bounded, fails closed when full, forgets expired entries', async (t) => {
  let clock = 1_000;
  const mem = new MemoryReplayStore({ maxEntries: 2, now: () => clock });
  t.equal(await mem.claim('s', 'a', 2_000), true);
  t.equal(await mem.claim('s', 'a', 2_000), false);
  t.equal(await mem.claim('s', 'b', 5_000), true);
  const full = await mem.claim('s', 'c', 5_000).catch((e: unknown) => e);
  t.ok(full instanceof OAuthError && full.error === 'temporarily_unavailable', 'full of live entries: refuses, does not forget one');
  clock = 2_500;
  t.equal(await mem.claim('s', 'c', 5_000), true, 'expired entries make room');
  t.equal(mem.size, 2, 'a was swept, c took its place');
  clock = 5_000;
  t.equal(await mem.claim('s', 'b', 9_000), true, 'b expired: accepted again');
});

// Last: it stops and restarts the server, and the shared hosts would have to reconnect after it.
t.test('a stopped NATS server makes claims fail, never succeed', async (t) => {
  const bus = await connectBus({ servers: nats.url, name: 'host-c', timeoutMs: 500 });
  const pipe = new JetStreamPipeline(bus, { timeoutMs: 300, maxInFlight: 100 });
  const store = await openReplayStore(bus, { replicas: 1, pipeline: pipe });
  await nats.stop({ keepStore: true });
  const err = await store.claim('s', 'down', Date.now() + 1000).catch((e: unknown) => e);
  t.not(err, true);
  t.ok(err instanceof Error, `rejected: ${(err as Error).message}`);
  await nats.restart();
  pipe.close();
  await bus.close();
});
