// Audit appends survive a NATS restart: records made while the server is down or restarting are
// retried and each is stored exactly once; none is lost and no gap is counted.
import t from 'tap';
import { AuditLog, countAuditRecords, ensureAuditStream } from '../../src/audit/index.js';
import { JetStreamPipeline, connectBus } from '../../src/bus/index.js';
import { startNats } from '../helpers/nats.js';

t.test('writes survive a NATS restart', async (t) => {
  const nats = await startNats();
  const bus = await connectBus({ servers: nats.url });
  await ensureAuditStream(bus);
  const pipeline = new JetStreamPipeline(bus, { timeoutMs: 500, maxInFlight: 10_000 });
  const audit = new AuditLog(pipeline, { maxBuffered: 100_000 });
  t.teardown(async () => {
    pipeline.close();
    await bus.close();
    await nats.stop();
  });
  let n = 0;
  let stop = false;
  // A steady trickle of decisions, every 2 ms, before, during and after the restart.
  const writer = (async () => {
    while (!stop) {
      audit.record({ phase: 'token', outcome: 'allow', input: { n: n++ }, output: { allow: true }, policyVersion: 'v', latencyUs: 1 });
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  await new Promise((r) => setTimeout(r, 300));
  await nats.restart();
  await new Promise((r) => setTimeout(r, 700));
  stop = true;
  await writer;
  t.ok(await audit.flush(20_000), 'the buffer drains once NATS is back');
  const stats = audit.stats();
  t.ok(stats.retries > 0, `appends were retried (${stats.retries})`);
  t.equal(stats.dropped, 0, 'no gap');
  t.equal(await countAuditRecords(bus), n, `all ${n} records stored, each once`);
});

t.test('a full buffer drops new records and counts the gap', async (t) => {
  const nats = await startNats();
  const bus = await connectBus({ servers: nats.url });
  await ensureAuditStream(bus);
  const pipeline = new JetStreamPipeline(bus, { timeoutMs: 300, maxInFlight: 10_000 });
  const audit = new AuditLog(pipeline, { maxBuffered: 10, maxInFlight: 5, maxBatch: 1 });
  t.teardown(async () => {
    pipeline.close();
    await bus.close();
    await nats.stop({});
  });
  await nats.stop({ keepStore: true });
  await new Promise((r) => setTimeout(r, 100));
  for (let i = 0; i < 50; i++) audit.record({ phase: 'token', outcome: 'allow', input: {}, output: {}, policyVersion: 'v', latencyUs: 1 });
  await new Promise((r) => setImmediate(r));
  t.equal(audit.stats().buffered, 10, 'the buffer takes its bound');
  t.equal(audit.stats().dropped, 40, 'the rest is counted as the gap');
  await nats.restart();
  t.ok(await audit.flush(20_000));
  t.equal(await countAuditRecords(bus), 10, 'what was buffered is stored after the restart');
});
