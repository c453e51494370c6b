// Every decision made through the audited pool is in the audit stream exactly once: count them.
import t from 'tap';
import { AuditLog, auditStream, auditingPool, countAuditRecords, ensureAuditStream, queryAudit } from '../../src/audit/index.js';
import { JetStreamPipeline, connectBus } from '../../src/bus/index.js';
import { createPolicyPool } from '../../src/policy/index.js';
import { bundleVersion } from '../../src/policy/store/index.js';
import { bundleWasm } from '../../src/rego/bundle/index.js';
import { startNats } from '../helpers/nats.js';
import { labelledBundle } from '../policy/store/lib.js';

t.test('one record per decision', async (t) => {
  const nats = await startNats();
  const bus = await connectBus({ servers: nats.url });
  await ensureAuditStream(bus, { maxAgeMs: 3_600_000 });
  const pipeline = new JetStreamPipeline(bus, { timeoutMs: 2000, maxInFlight: 10_000 });
  const audit = new AuditLog(pipeline, { host: 'test-host' });
  const b = labelledBundle('v1');
  const version = bundleVersion(b);
  const pool = await createPolicyPool({ bundle: { wasm: bundleWasm(b), data: b.data, version }, workers: 1 });
  const audited = auditingPool(pool, audit);
  t.teardown(async () => {
    await pool.close();
    pipeline.close();
    await bus.close();
    await nats.stop();
  });

  const clients = ['alpha', 'beta', 'gamma'];
  const made: Promise<unknown>[] = [];
  for (let i = 0; i < 600; i++) {
    const client_id = clients[i % 3] as string;
    made.push(
      i % 2 === 0
        ? audited.decide('portcullis/token', { phase: 'token', context: { client: { client_id } } })
        : audited.decide('portcullis/introspect', { phase: 'introspect', ok: i % 4 === 1, context: { client: { client_id } } }),
    );
  }
  await Promise.all(made);
  t.ok(await audit.flush(10_000), 'every record acknowledged');
  t.equal(await countAuditRecords(bus), 600, 'the stream holds exactly one record per decision');
  const info = await bus.jsm.streams.info(auditStream);
  t.ok(info.state.messages < 600, `in fewer messages: records of one event-loop turn share one (${info.state.messages})`);
  t.match(audit.stats(), { recorded: 600, acknowledged: 600, dropped: 0, buffered: 0, inFlight: 0 });

  const denied = await queryAudit(bus, { outcome: 'deny', phase: 'introspect' }, { limit: 1000 });
  t.equal(denied.records.length, 150, 'introspections with ok=false are the denials');
  const first = denied.records[0]?.record;
  t.match(first, { phase: 'introspect', outcome: 'deny', policy_version: version, host: 'test-host', output: { allow: false, reason: 'v1' } });
  t.ok(typeof first?.latency_us === 'number' && first.latency_us >= 0, 'latency recorded');
  t.match(first?.input, { phase: 'introspect', ok: false }, 'full input recorded');
  const ids = new Set<string>();
  let page = await queryAudit(bus, {}, { limit: 250 });
  for (;;) {
    for (const e of page.records) ids.add(e.record.id);
    if (!page.next) break;
    page = await queryAudit(bus, {}, { limit: 250, cursor: page.next });
  }
  t.equal(ids.size, 600, 'paging through everything gives 600 distinct records');

  // The Decider-side hook: a decision id recorded with the decision finds exactly that record.
  audit.record({ phase: 'token', outcome: 'allow', input: { context: { client: { client_id: 'alpha' } } }, output: { allow: true }, policyVersion: version, latencyUs: 12, decisionId: 'd-123', requestId: 'r-9' });
  await audit.flush();
  const one = await queryAudit(bus, { decisionId: 'd-123' });
  t.equal(one.records.length, 1);
  t.match(one.records[0]?.record, { decision_id: 'd-123', request_id: 'r-9', client_id: 'alpha' });
});
