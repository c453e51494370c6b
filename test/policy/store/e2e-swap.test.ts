// End to end over real HTTP, NATS and policy workers: publish v2 of the PBAC policy while tokens are
// issued and introspected, then roll back to v1. Every request succeeds; every decision names v1 or v2,
// and after each switch only the new one; the audit stream holds exactly one record per decision; a
// subscriber that starts late replays the issued events of every token.
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { AuditLog, auditingPool, countAuditRecords, ensureAuditStream, queryAudit } from '../../../src/audit/index.js';
import { JetStreamPipeline, connectBus } from '../../../src/bus/index.js';
import { loadConfig } from '../../../src/config/index.js';
import { subscribeTokenEvents } from '../../../src/events/index.js';
import { createPolicyPool, defaultPolicyDir } from '../../../src/policy/index.js';
import { PolicyBundleWatcher, PolicyStore, startupBundle } from '../../../src/policy/store/index.js';
import { type Bundle } from '../../../src/rego/bundle/index.js';
import { buildBundle } from '../../../src/rego/index.js';
import { startServer } from '../../../src/server/index.js';
import { startNats } from '../../helpers/nats.js';

function pbac(variant: string): Bundle {
  const dir = defaultPolicyDir();
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.rego') && !f.endsWith('_test.rego'))
    .sort()
    .map((f) => ({ path: f, source: readFileSync(join(dir, f), 'utf8') }));
  const data = { ...(JSON.parse(readFileSync(join(dir, 'data.json'), 'utf8')) as Record<string, unknown>), variant };
  const { bundle, diagnostics } = buildBundle({ files, entrypoints: ['portcullis/token', 'portcullis/introspect'], data });
  if (!bundle) throw new Error(`policies/pbac does not compile: ${JSON.stringify(diagnostics[0])}`);
  return bundle;
}

t.test('publish v2 and roll back under a load of token and introspection requests', async (t) => {
  const nats = await startNats();
  // Undone newest first, and NATS always stopped, even when a step of the set-up fails.
  const cleanup: (() => unknown)[] = [];
  t.teardown(async () => {
    for (const step of cleanup.reverse()) await Promise.resolve(step()).catch(() => undefined);
    await nats.stop();
  });
  const bus = await connectBus({ servers: nats.url });
  cleanup.push(() => bus.close());
  const store = await PolicyStore.open(bus);
  const v1 = (await store.publish(pbac('v1'), { who: 'test' })).record.version;
  await ensureAuditStream(bus);
  const pipeline = new JetStreamPipeline(bus, { timeoutMs: 2000, maxInFlight: 10_000 });
  cleanup.push(() => pipeline.close());
  const audit = new AuditLog(pipeline);
  const pool = await createPolicyPool({ bundle: await startupBundle(store, () => Promise.reject(new Error('no fallback'))), workers: 1 });
  cleanup.push(() => pool.close()); // the server closes it too; closing twice is harmless
  const watcher = new PolicyBundleWatcher(store, pool, { log: () => undefined });
  await watcher.start();
  cleanup.push(() => watcher.stop());
  const adminKey = randomBytes(32).toString('base64url');
  const config = loadConfig({ host: '127.0.0.1', port: 0, natsUrl: nats.url, adminKey, policyWorkers: 1, leaseTtlMs: 2000, leaseRenewMs: 500, hostId: 'swap-host', auditEnabled: false }, {}); // this test's own AuditLog counts
  const server = await startServer(config, { pool: auditingPool(pool, audit), log: () => undefined });
  cleanup.push(() => server.stop());

  const admin = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
    const r = await fetch(`${server.url}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (r.status !== 201) throw new Error(`POST ${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as Record<string, unknown>;
  };
  const client = await admin('/admin/clients', { client_id: 'app' });
  const rs = await admin('/admin/clients', { client_id: 'orders-rs-client' });
  await admin('/admin/resource-types', { name: 'api', scopes: ['read', 'write'] });
  await admin('/admin/resource-servers', { id: 'orders-rs', client_id: 'orders-rs-client', resource: 'https://orders.example' });
  await admin('/admin/entitlements', { id: 'app-api', client_id: 'app', scopes: ['read', 'write'], resource_types: ['api'] });
  const basic = (id: string, secret: unknown): string => `Basic ${Buffer.from(`${id}:${String(secret)}`).toString('base64')}`;
  const post = async (path: string, auth: string, form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> => {
    const r = await fetch(`${server.url}${path}`, { method: 'POST', headers: { Authorization: auth, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  const appAuth = basic('app', client.client_secret);
  const rsAuth = basic('orders-rs-client', rs.client_secret);
  // Policy data reaches the pool through its own watcher; wait until a token can be had.
  for (let i = 0; i < 100; i++) {
    const r = await post('/token', appAuth, { grant_type: 'client_credentials', scope: 'read', resource: 'https://orders.example', resource_type: 'api' });
    if (r.status === 200) break;
    await new Promise((r) => setTimeout(r, 50));
  }

  await new Promise((r) => setTimeout(r, 200)); // the warm-up token's event is stored before the load starts
  const t0 = Date.now();
  const issued: string[] = [];
  const seen: { version: string; askedOn: string; epoch: number; sameEpoch: boolean }[] = [];
  const failures: string[] = [];
  let stop = false;
  const loops = Array.from({ length: 8 }, async () => {
    while (!stop) {
      const tok = await post('/token', appAuth, { grant_type: 'client_credentials', scope: 'read', resource: 'https://orders.example', resource_type: 'api' });
      if (tok.status !== 200) {
        failures.push(`token ${tok.status} ${JSON.stringify(tok.body)}`);
        continue;
      }
      const token = tok.body.access_token as string;
      issued.push(token);
      const askedOn = pool.version;
      const epoch = watcher.status().swaps;
      const intro = await post('/introspect', rsAuth, { token, rs_context: JSON.stringify({ action: 'read', resource_type: 'api' }) });
      if (intro.status !== 200 || intro.body.active !== true) failures.push(`introspect ${intro.status} ${JSON.stringify(intro.body)}`);
      else seen.push({ version: intro.body.policy_version as string, askedOn, epoch, sameEpoch: watcher.status().swaps === epoch });
    }
  });
  const settle = async (n: number): Promise<void> => {
    const until = seen.length + n;
    while (seen.length < until && failures.length === 0) await new Promise((r) => setTimeout(r, 5));
  };
  await settle(50);
  const v2 = (await store.publish(pbac('v2'), { who: 'test' })).record.version;
  t.ok(await watcher.waitFor(v2, 15_000), 'the host switched to v2');
  const atV2 = seen.length;
  await settle(50);
  await store.activate(v1, 'test');
  t.ok(await watcher.waitFor(v1, 15_000), 'and rolled back to v1');
  const atV1 = seen.length;
  await settle(50);
  stop = true;
  await Promise.all(loops);

  t.same(failures, [], `every request succeeded (${issued.length} tokens, ${seen.length} introspections)`);
  t.ok(seen.every((s) => s.version === v1 || s.version === v2), 'every introspection decision names v1 or v2');
  // Asked for and answered between two switches: decided by the version active then.
  const duringV2 = seen.slice(atV2, atV1).filter((s) => s.askedOn === v2 && s.sameEpoch);
  t.ok(duringV2.length > 20 && duringV2.every((s) => s.version === v2), `after the switch only v2 (${duringV2.length})`);
  const afterBack = seen.slice(atV1).filter((s) => s.askedOn === v1 && s.sameEpoch);
  t.ok(afterBack.length > 20 && afterBack.every((s) => s.version === v1), `after the rollback only v1 (${afterBack.length})`);

  // The audit stream: exactly one record per decision made (admin calls make none).
  t.ok(await audit.flush(10_000));
  const decisions = audit.stats().recorded;
  t.equal(await countAuditRecords(bus), decisions, `the audit stream holds exactly ${decisions} records, one per decision`);
  const all = async (filter: Parameters<typeof queryAudit>[1]) => {
    const out: Awaited<ReturnType<typeof queryAudit>>['records'] = [];
    let cursor: string | undefined;
    do {
      const page = await queryAudit(bus, filter, { limit: 1000, ...(cursor ? { cursor } : {}) });
      out.push(...page.records);
      cursor = page.next ?? undefined;
    } while (cursor);
    return out;
  };
  const tokenRecords = await all({ clientId: 'app', phase: 'token', since: t0 });
  t.equal(tokenRecords.length, issued.length, 'query by client and time: one token decision per token issued in the load');
  const introRecords = await all({ phase: 'introspect', since: t0 });
  t.equal(introRecords.length, seen.length, 'and one introspect decision per introspection');
  t.ok([...tokenRecords, ...introRecords].every((e) => e.record.policy_version === v1 || e.record.policy_version === v2), 'audit records name v1 or v2');
  t.ok(tokenRecords.every((e) => e.record.outcome === 'allow' && e.record.client_id === 'app'));

  // A subscriber starting now replays the issued event of every token from the load.
  const sub = await subscribeTokenEvents(bus, { server: 'orders-rs', kinds: ['issued'], since: t0 });
  t.ok(sub.backlog >= 1 && sub.backlog <= issued.length, `the issued events are waiting (${sub.backlog} messages for ${issued.length} tokens)`);
  const hashes = new Set<string>();
  for await (const e of sub) {
    hashes.add(e.event.token_hash);
    if (hashes.size === issued.length) break;
  }
  sub.stop();
  t.same([...hashes].sort(), issued.map((tok) => createHash('sha256').update(tok).digest('hex')).sort(), 'each token by its hash, none by value');
});
