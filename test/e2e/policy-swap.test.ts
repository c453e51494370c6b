// The policy plane and records through the running server (real nats-server, real HTTP, the PBAC
// policy): the server publishes the built-in policy as v1 and watches the store; v2 is published and
// then rolled back while tokens are issued and introspected. Every request succeeds, every decision names
// v1 or v2 and after each switch only the new one; the audit stream holds exactly one record per
// decision; GET /admin/audit by client and time returns exactly the expected records; a subscriber that
// starts late replays the issued events of the run's tokens.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { countAuditRecords } from '../../src/audit/index.js';
import { connectBus } from '../../src/bus/index.js';
import { subscribeTokenEvents } from '../../src/events/index.js';
import { defaultPolicyDir } from '../../src/policy/index.js';
import { PolicyStore, definedPaths, optionalEntrypoints, requiredEntrypoints } from '../../src/policy/store/index.js';
import type { Bundle } from '../../src/rego/bundle/index.js';
import { buildBundle } from '../../src/rego/index.js';
import { brokenBundle } from '../policy/store/lib.js';
import { provisionWorld, startHarness } from './lib/harness.js';

/** policies/pbac with one more data field: the same decisions, another content hash (another version). */
function pbacVariant(variant: string): Bundle {
  const dir = defaultPolicyDir();
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.rego') && !f.endsWith('_test.rego'))
    .sort()
    .map((f) => ({ path: f, source: readFileSync(join(dir, f), 'utf8') }));
  const defined = definedPaths(files);
  const entrypoints = [...requiredEntrypoints, ...optionalEntrypoints.filter((e) => defined.has(e))];
  const { bundle, diagnostics } = buildBundle({ files, entrypoints, data: { variant } });
  if (!bundle) throw new Error(`policies/pbac does not compile: ${JSON.stringify(diagnostics[0])}`);
  return bundle;
}

interface Seen {
  /** The era (0 v1, 0.5 switching, 1 v2, 1.5 rolling back, 2 v1) when the token request started and when its introspection ended. */
  era: number;
  endEra: number;
  tokenVersion: string;
  introspectVersion: string;
  tokenDecisionId: string;
  introspectDecisionId: string;
}

t.test('v2 published and rolled back under load, every decision audited, events replayed', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.stop());
  const watcher = h.server.policyWatcher;
  if (!watcher) throw new Error('the server runs no policy watcher');
  const v1 = watcher.status().running;
  t.equal(watcher.status().wanted, v1, 'the server published the built-in policy as the first version and runs it');
  const ready = await fetch(`${h.url}/readyz`);
  const readyBody = (await ready.json()) as { checks: { policy: { detail: string } } };
  t.equal(ready.status, 200);
  t.match(readyBody.checks.policy.detail, v1, '/readyz names the version');

  const w = await provisionWorld(h);
  const bus = await connectBus({ servers: h.nats.url });
  t.teardown(() => bus.close());
  const store = await PolicyStore.open(bus);

  // Every /token and /introspect call reaches policy once; the audit must hold one record per call.
  let decisionsMade = 0;
  const token = async () => {
    decisionsMade++;
    return h.form('/token', { grant_type: 'client_credentials', scope: 'read', resource: w.rs.resource, resource_type: 'api' }, w.client);
  };
  const introspect = async (tok: string) => {
    decisionsMade++;
    return h.form('/introspect', { token: tok, rs_context: JSON.stringify({ action: 'read', resource_type: 'api' }) }, { id: w.rs.id, secret: w.rs.secret });
  };
  for (let i = 0; ; i++) {
    if ((await token()).status === 200) break; // policy data reaches the pool through its own watcher
    if (i > 100) throw new Error('no token after 5 s');
    await new Promise((r) => setTimeout(r, 50));
  }

  const t0 = Date.now();
  let era = 0;
  const issued: string[] = [];
  const seen: Seen[] = [];
  const failures: string[] = [];
  let stop = false;
  const loops = Array.from({ length: 6 }, async () => {
    while (!stop) {
      const started = era;
      const tok = await token();
      if (tok.status !== 200) {
        failures.push(`token ${tok.status} ${JSON.stringify(tok.body)}`);
        continue;
      }
      const accessToken = tok.body.access_token as string;
      issued.push(accessToken);
      const intro = await introspect(accessToken);
      if (intro.status !== 200 || intro.body.active !== true) {
        failures.push(`introspect ${intro.status} ${JSON.stringify(intro.body)}`);
        continue;
      }
      seen.push({
        era: started,
        endEra: era,
        tokenVersion: intro.body.token_policy_version as string,
        introspectVersion: intro.body.policy_version as string,
        tokenDecisionId: intro.body.token_decision_id as string,
        introspectDecisionId: intro.body.decision_id as string,
      });
    }
  });
  const settle = async (n: number): Promise<void> => {
    const until = seen.length + n;
    while (seen.length < until && failures.length === 0) await new Promise((r) => setTimeout(r, 5));
  };

  await settle(40);
  era = 0.5;
  const published = await store.publish(pbacVariant('v2'), { who: 'e2e' });
  const v2 = published.record.version;
  t.not(v2, v1);
  t.ok(await watcher.waitFor(v2, 20_000), 'the server switched to v2');
  era = 1;
  await settle(40);
  era = 1.5;
  await store.activate(v1, 'e2e');
  t.ok(await watcher.waitFor(v1, 20_000), 'and rolled back to v1');
  era = 2;
  await settle(40);
  stop = true;
  await Promise.all(loops);
  const t1 = Date.now();

  t.same(failures, [], `every request succeeded (${issued.length} tokens, ${seen.length} introspections)`);
  t.ok(
    seen.every((s) => [v1, v2].includes(s.tokenVersion) && [v1, v2].includes(s.introspectVersion)),
    'every decision names v1 or v2 (introspection: policy_version now, token_policy_version at issuance)',
  );
  const afterSwitch = seen.filter((s) => s.era === 1 && s.endEra === 1);
  t.ok(afterSwitch.length >= 20, `requests started after the switch: ${afterSwitch.length}`);
  t.ok(afterSwitch.every((s) => s.tokenVersion === v2 && s.introspectVersion === v2), 'after the switch only v2 decides');
  const afterRollback = seen.filter((s) => s.era === 2 && s.endEra === 2);
  t.ok(afterRollback.length >= 20, `requests started after the rollback: ${afterRollback.length}`);
  t.ok(afterRollback.every((s) => s.tokenVersion === v1 && s.introspectVersion === v1), 'after the rollback only v1 decides');
  t.ok(seen.some((s) => s.era === 0 && s.tokenVersion === v1), 'v1 decided before the switch');

  // The audit stream: exactly one record per decision the run made.
  const audit = h.server.audit;
  t.ok(await audit.flush(10_000), 'the audit log drained');
  t.equal(audit.stats().recorded, decisionsMade, `the server recorded ${decisionsMade} decisions`);
  t.equal(await countAuditRecords(bus), decisionsMade, `the audit stream holds exactly ${decisionsMade} records, one per decision`);
  t.equal(audit.stats().dropped, 0, 'no gap');

  // GET /admin/audit by client and time: exactly the token decisions of the load, page by page.
  const query = async (params: Record<string, string>) => {
    const records: { record: { decision_id: string; client_id: string; phase: string; policy_version: string; request_id: string | null; outcome: string } }[] = [];
    let cursor: string | undefined;
    do {
      const q = new URLSearchParams({ ...params, limit: '100', ...(cursor ? { cursor } : {}) });
      const r = await h.admin('GET', `/admin/audit?${q}`);
      if (r.status !== 200) throw new Error(`GET /admin/audit: ${r.status} ${JSON.stringify(r.body)}`);
      records.push(...(r.body.records as typeof records));
      cursor = (r.body.next as string | null) ?? undefined;
    } while (cursor);
    return records;
  };
  const window = { since: new Date(t0).toISOString(), until: new Date(t1).toISOString() };
  const tokenRecords = await query({ client_id: w.client.id, phase: 'token', ...window });
  t.same(
    tokenRecords.map((e) => e.record.decision_id).sort(),
    seen.map((s) => s.tokenDecisionId).sort(),
    `client ${w.client.id}, phase token, [t0, t1]: exactly the ${seen.length} token decisions of the load`,
  );
  t.ok(
    tokenRecords.every((e) => e.record.client_id === w.client.id && e.record.outcome === 'allow' && typeof e.record.request_id === 'string'),
    'each names the client, its outcome and the HTTP request id',
  );
  const byDecision = new Map(tokenRecords.map((e) => [e.record.decision_id, e.record.policy_version]));
  t.ok(
    seen.every((s) => byDecision.get(s.tokenDecisionId) === s.tokenVersion),
    'each token decision record names the version the token record kept',
  );
  const introRecords = await query({ phase: 'introspect', ...window });
  t.same(introRecords.map((e) => e.record.decision_id).sort(), seen.map((s) => s.introspectDecisionId).sort(), 'and one introspect record per introspection');
  const bad = await h.admin('GET', '/admin/audit?phase=nope');
  t.equal(bad.status, 400, 'a bad filter is a 400 naming it');
  const noKey = await fetch(`${h.url}/admin/audit`);
  t.equal(noKey.status, 401, 'the admin key is required');

  // A subscriber starting now replays the issued event of every token of the load, by hash.
  const hashes = new Set(issued.map((tok) => createHash('sha256').update(tok).digest('hex')));
  const sub = await subscribeTokenEvents(bus, { server: 'orders-rs', kinds: ['issued'], since: t0 });
  const got = new Set<string>();
  const reading = (async () => {
    for await (const e of sub) {
      if (hashes.has(e.event.token_hash)) got.add(e.event.token_hash);
      if (got.size === hashes.size) break;
    }
  })();
  await Promise.race([reading, new Promise((r) => setTimeout(r, 10_000))]);
  sub.stop();
  t.equal(got.size, hashes.size, `the late subscriber replayed the ${hashes.size} issued events, each by its token's hash`);

  const metrics = await (await fetch(`${h.url}/metrics`)).text();
  t.match(metrics, /portcullis_audit_records\{what="recorded"\} \d+/, '/metrics counts audit records');
  t.match(metrics, /portcullis_policy_bundle_swaps\{what="swaps"\} 2/, '/metrics counts the two swaps');

  // A broken bundle forced into the store: the server stays on v1, says so, and keeps answering.
  const broken = (await store.publish(brokenBundle(), { who: 'e2e', force: true })).record.version;
  t.equal(await watcher.waitFor(broken, 10_000), false, 'the server does not switch to a broken bundle');
  const notReady = await fetch(`${h.url}/readyz`);
  const notReadyBody = (await notReady.json()) as { checks: { policy: { ok: boolean; detail: string } } };
  t.equal(notReady.status, 503, '/readyz fails while the wanted version is not running');
  t.match(notReadyBody.checks.policy.detail, `${v1} running, ${broken} wanted`, 'and names both versions');
  const tok = await token();
  t.equal(tok.status, 200, 'tokens are still issued');
  const intro = await introspect(tok.body.access_token as string);
  t.match(intro.body, { active: true, policy_version: v1, token_policy_version: v1 }, 'by v1');
  await store.activate(v1, 'e2e');
  for (let i = 0; i < 100 && (await fetch(`${h.url}/readyz`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 50));
  t.equal((await fetch(`${h.url}/readyz`)).status, 200, 'pointing back at v1 makes the server ready again');
});
