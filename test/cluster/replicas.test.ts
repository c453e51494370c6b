// Every bucket and stream the server provisions is replicated 3 times on a 3-node cluster and once on a
// lone server, with no replica count configured (PORTCULLIS_REPLICAS=0, the default).
import t from 'tap';
import { connectBus } from '../../src/bus/index.js';
import { loadConfig } from '../../src/config/index.js';
import { startServer } from '../../src/server/index.js';
import { startNats } from '../helpers/nats.js';
import { startNatsCluster } from '../helpers/nats-cluster.js';

async function streamReplicas(servers: string): Promise<Record<string, number>> {
  const bus = await connectBus({ servers });
  try {
    const out: Record<string, number> = {};
    for await (const s of bus.jsm.streams.list()) out[s.config.name] = s.config.num_replicas;
    return out;
  } finally {
    await bus.close();
  }
}

async function provisionWith(natsUrl: string): Promise<number> {
  // The frontend role provisions every bucket and stream without starting policy workers.
  const config = loadConfig({ role: 'frontend', host: '127.0.0.1', port: 0, natsUrl, hostId: 'replicas-test' }, {});
  t.equal(config.replicas, 0, 'no replica count configured');
  const server = await startServer(config, { log: () => undefined });
  const replicas = server.replicas;
  await server.stop();
  return replicas;
}

t.test('R3 on a 3-node cluster', async (t) => {
  const cluster = await startNatsCluster();
  t.teardown(() => cluster.stop());
  t.equal(await provisionWith(cluster.urls), 3);
  const streams = await streamReplicas(cluster.urls);
  t.ok(Object.keys(streams).length >= 5, `streams: ${Object.keys(streams).join(', ')}`);
  for (const [name, r] of Object.entries(streams)) t.equal(r, 3, `${name} has 3 replicas`);
});

t.test('R1 on a lone server', async (t) => {
  const nats = await startNats();
  t.teardown(() => nats.stop());
  t.equal(await provisionWith(nats.url), 1);
  const streams = await streamReplicas(nats.url);
  for (const [name, r] of Object.entries(streams)) t.equal(r, 1, `${name} has 1 replica`);
});

t.test('an explicit count wins', async (t) => {
  const cluster = await startNatsCluster();
  t.teardown(() => cluster.stop());
  const config = loadConfig({ role: 'frontend', host: '127.0.0.1', port: 0, natsUrl: cluster.urls, hostId: 'replicas-test', replicas: 1 }, {});
  const server = await startServer(config, { log: () => undefined });
  t.equal(server.replicas, 1);
  await server.stop();
  for (const [name, r] of Object.entries(await streamReplicas(cluster.urls))) t.equal(r, 1, `${name} has 1 replica`);
});
