// Audit queries: by client and time range they return exactly the expected records, page with a cursor,
// filter by phase, outcome and decision id, follow live; bad query parameters are named.
import t from 'tap';
import { AuditLog, type AuditRecord, answerAuditQuery, ensureAuditStream, followAudit, followAuditLines, isAuditAnswer, parseAuditRequest, queryAudit, readAuditQuery } from '../../src/audit/index.js';
import { JetStreamPipeline, connectBus } from '../../src/bus/index.js';
import { startNats } from '../helpers/nats.js';

t.test('query by client and time, paging, follow', async (t) => {
  const nats = await startNats();
  const bus = await connectBus({ servers: nats.url });
  await ensureAuditStream(bus);
  const pipeline = new JetStreamPipeline(bus, { timeoutMs: 2000, maxInFlight: 10_000 });
  const audit = new AuditLog(pipeline);
  t.teardown(async () => {
    pipeline.close();
    await bus.close();
    await nats.stop();
  });

  // 120 decisions a second apart (by their decision time), over three clients, one with an odd id.
  const base = Date.now() - 3_600_000;
  const clients = ['alpha', 'beta', 'client with spaces/ü'];
  for (let i = 0; i < 120; i++) {
    audit.record({
      phase: i % 3 === 0 ? 'introspect' : 'token',
      outcome: i % 5 === 0 ? 'deny' : 'allow',
      input: { n: i, context: { client: { client_id: clients[i % 3] } } },
      output: { allow: i % 5 !== 0 },
      policyVersion: 'v',
      latencyUs: 5,
      decisionId: `d-${i}`,
      at: base + i * 1000,
    });
  }
  t.ok(await audit.flush(10_000));

  const since = base + 30_000;
  const until = base + 89_000;
  const expected = Array.from({ length: 120 }, (_, i) => i).filter((i) => i % 3 === 1 && base + i * 1000 >= since && base + i * 1000 <= until);
  // The records claim decision times an hour back but were stored just now: allow for that lag.
  const page = await queryAudit(bus, { clientId: 'beta', since, until }, { limit: 1000, lagMs: 7_200_000 });
  const ns = (p: { records: { record: { input: unknown } }[] }): number[] => p.records.map((e) => (e.record.input as { n: number }).n).sort((a, b) => a - b);
  t.same(ns(page), expected, `client beta between +30 s and +89 s: exactly ${expected.length} records`);
  t.equal(page.next, null);
  const cut = await queryAudit(bus, { clientId: 'beta', since, until }, { limit: 1000, lagMs: 1000 });
  t.same(cut.records, [], 'records stored later than until + lag end the scan');

  const odd = await queryAudit(bus, { clientId: 'client with spaces/ü' }, { limit: 1000 });
  t.equal(odd.records.length, 40, 'a client id that is not a subject token is found through its hash');
  t.ok(odd.records.every((e) => e.record.client_id === 'client with spaces/ü'));

  const denials = await queryAudit(bus, { outcome: 'deny', phase: 'token' }, { limit: 1000 });
  t.same(
    ns(denials),
    Array.from({ length: 120 }, (_, i) => i).filter((i) => i % 5 === 0 && i % 3 !== 0),
    'by phase and outcome',
  );
  t.equal((await queryAudit(bus, { decisionId: 'd-77' })).records[0]?.record.decision_id, 'd-77', 'by decision id');
  t.same((await queryAudit(bus, { clientId: 'nobody' })).records, [], 'no match, no records');

  // Paging: 7 at a time through alpha's 40.
  const seen: number[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const p: Awaited<ReturnType<typeof queryAudit>> = await queryAudit(bus, { clientId: 'alpha' }, { limit: 7, ...(cursor ? { cursor } : {}) });
    seen.push(...ns(p));
    cursor = p.next ?? undefined;
    pages++;
  } while (cursor);
  t.same(seen.sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => i * 3), 'pages join into the whole, once each');
  t.equal(pages, 6);

  // Follow live: only new records of gamma.
  const follower = await followAudit(bus, { clientId: 'gamma' });
  const got: AuditRecord[] = [];
  const reading = (async () => {
    for await (const e of follower) {
      got.push(e.record);
      if (got.length === 3) break;
    }
  })();
  await new Promise((r) => setTimeout(r, 100));
  for (const c of ['gamma', 'alpha', 'gamma', 'gamma']) {
    audit.record({ phase: 'token', outcome: 'allow', input: { context: { client: { client_id: c } } }, output: { allow: true }, policyVersion: 'v', latencyUs: 1 });
  }
  await reading;
  follower.stop();
  t.same(got.map((r) => r.client_id), ['gamma', 'gamma', 'gamma'], 'follow delivers new matching records as they come');

  // What GET /admin/audit does with a query string.
  t.same(readAuditQuery('phase=bogus'), { status: 400, body: { error: 'invalid_request', error_description: 'phase must be one of token, introspect, register, authorize' } });
  const req = readAuditQuery('client_id=alpha&limit=5');
  if (isAuditAnswer(req)) throw new Error('expected a request');
  const answer = await answerAuditQuery(bus, req);
  t.equal(answer.status, 200);
  t.match(answer.body, { records: Array, next: /^\d+(-\d+)?$/ });
  const followReq = readAuditQuery('client_id=delta&follow=true');
  if (isAuditAnswer(followReq)) throw new Error('expected a request');
  const lines: string[] = [];
  const f = await followAuditLines(bus, followReq, (l) => lines.push(l));
  await new Promise((r) => setTimeout(r, 100));
  audit.record({ phase: 'token', outcome: 'deny', input: { context: { client: { client_id: 'delta' } } }, output: { allow: false }, policyVersion: 'v', latencyUs: 1 });
  while (lines.length === 0) await new Promise((r) => setTimeout(r, 10));
  f.stop();
  await f.done;
  t.match(JSON.parse(lines[0] as string), { record: { client_id: 'delta', outcome: 'deny' } }, 'follow=true streams NDJSON lines');
});

t.test('query parameters', async (t) => {
  const now = Date.UTC(2026, 0, 1);
  const ok = parseAuditRequest(new URLSearchParams('client_id=a&phase=token&outcome=deny&since=15m&until=2026-01-01T00:00:00Z&limit=5&cursor=9'), now);
  t.same(ok, { filter: { clientId: 'a', phase: 'token', outcome: 'deny', since: now - 900_000, until: now }, limit: 5, cursor: '9', follow: false });
  t.equal(parseAuditRequest(new URLSearchParams('since=1700000000000&follow=true'), now).follow, true);
  const bad: [string, string][] = [
    ['phase=nope', 'phase'],
    ['outcome=maybe', 'outcome'],
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['limit=x', 'limit'],
    ['cursor=-1', 'cursor'],
    ['cursor=5-x', 'cursor'],
    ['cursor=abc', 'cursor'],
    ['since=yesterday', 'since'],
    ['since=1h&until=2h', 'until'],
    ['follow=yes', 'follow'],
    ['follow=true&until=1h', 'follow'],
    ['client_id=a&client_id=b', 'client_id'],
    ['client_id=', 'client_id'],
    ['colour=red', 'colour'],
    [`decision_id=${'x'.repeat(600)}`, 'decision_id'],
  ];
  for (const [q, field] of bad) {
    t.throws(() => parseAuditRequest(new URLSearchParams(q), now), { name: 'AuditQueryError', field }, q.slice(0, 40));
  }
});
