// The gateway's queue of token records to fetch (fed by `issued` events) is bounded: a burst of events
// faster than KV reads, or a long replay, cannot grow it without limit — a token left out is introspected
// on its first miss instead.
import t from 'tap';
import { JetStreamPipeline, connectBus } from '../../src/bus/index.js';
import { TokenEventPublisher } from '../../src/events/index.js';
import { Gateway } from '../../src/gateway/index.js';
import { loadDefaultBundle } from '../../src/policy/index.js';
import { provisionWorld, startHarness } from '../e2e/lib/harness.js';

t.setTimeout(120_000);

t.test('a burst of issued events leaves a bounded fetch queue', async (t) => {
  const bundle = await loadDefaultBundle();
  const h = await startHarness({}, { bundle });
  t.teardown(() => h.stop());
  const w = await provisionWorld(h);
  const maxQueued = 50;
  const gateway = await Gateway.start({
    natsUrl: h.nats.url,
    serverUrl: h.url,
    clientId: w.rs.id,
    clientSecret: w.rs.secret,
    issuer: h.server.config.issuer,
    fallbackBundle: bundle,
    fetchConcurrency: 1,
    maxFetchQueue: maxQueued,
    log: () => undefined,
  });
  t.teardown(() => gateway.stop());
  const bus = await connectBus({ servers: h.nats.url });
  const pipeline = new JetStreamPipeline(bus, { timeoutMs: 5000, maxInFlight: 10_000 });
  t.teardown(async () => {
    pipeline.close();
    await bus.close();
  });
  const events = new TokenEventPublisher(pipeline);
  const iat = Math.floor(Date.now() / 1000);
  const n = 3000;
  for (let i = 0; i < n; i++) {
    events.publish('issued', i.toString(16).padStart(64, '0'), { client_id: 'c', servers: [], scope: [], aud: [], iat, exp: iat + 600, decision_id: `d${i}`, policy_version: 'v' });
  }
  t.ok(await events.flush(30_000), 'events stored');
  let peak = 0;
  const until = Date.now() + 15_000;
  while (Date.now() < until && gateway.stats().eventsSeen < n) {
    peak = Math.max(peak, gateway.stats().fetchQueued);
    await new Promise((r) => setTimeout(r, 5));
  }
  peak = Math.max(peak, gateway.stats().fetchQueued);
  t.equal(gateway.stats().eventsSeen, n, 'every event was seen');
  t.ok(peak <= maxQueued, `the fetch queue stayed within its bound (peak ${peak} ≤ ${maxQueued})`);
});
