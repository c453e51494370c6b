// The gateway library answers check(token, context) locally with the same introspect-phase decision the
// server gives at /introspect: many generated tokens (clients, scopes, resource types, audiences,
// revocations) × many transaction contexts (actions, types, resources, deny-listed IPs), same answers.
// Single-use tokens always go to the server; a policy-data change reaches the gateway's decisions.
import t from 'tap';
import { Gateway } from '../../src/gateway/index.js';
import { loadDefaultBundle } from '../../src/policy/index.js';
import { basic, provisionWorld, startHarness } from '../e2e/lib/harness.js';

t.setTimeout(120_000);
// One compiled bundle for both sides (nothing is published in the policy store here).
const bundle = await loadDefaultBundle();
const h = await startHarness({}, { bundle });
t.teardown(() => h.stop());
const w = await provisionWorld(h);
const must = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
  const r = await h.admin(method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};
const reader = await must('POST', '/admin/clients', { client_id: 'reader' });
await must('POST', '/admin/entitlements', { id: 'reader', client_id: 'reader', scopes: ['read'], resource_types: ['api.orders'] });
const once = await must('POST', '/admin/clients', { client_id: 'once' });
await must('POST', '/admin/entitlements', { id: 'once', client_id: 'once', scopes: ['read'], resource_types: ['api'], jit_single_use: true });
await must('POST', '/admin/resources', { id: 'order-1', type: 'api.orders', server: 'orders-rs', owner: 'app' });
await must('POST', '/admin/resources', { id: 'order-2', type: 'api.orders', server: 'orders-rs', owner: 'someone-else' });
await must('POST', '/admin/deny-lists', { id: 'bad-ips', ips: ['203.0.113.9'] });

const userAgent = 'portcullis-gateway';
const gateway = await Gateway.start({
  natsUrl: h.nats.url,
  serverUrl: h.url,
  clientId: w.rs.id,
  clientSecret: w.rs.secret,
  issuer: h.server.config.issuer,
  ip: '127.0.0.1',
  userAgent,
  fallbackBundle: bundle,
  log: () => undefined,
});
t.teardown(() => gateway.stop());

async function introspect(token: string, rsContext: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await fetch(`${h.url}/introspect`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: basic(w.rs.id, w.rs.secret), 'User-Agent': userAgent },
    body: JSON.stringify({ token, rs_context: rsContext }),
  });
  if (res.status !== 200) throw new Error(`introspect: ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}

/** What must agree: everything but the fresh decision id and where the answer came from. */
function comparable(r: object): Record<string, unknown> {
  const { decision_id: _d, source: _s, ...rest } = r as Record<string, unknown>;
  return rest;
}

async function mint(creds: { id: string; secret: string }, form: Record<string, string | string[]>): Promise<string | undefined> {
  const r = await h.form('/token', { grant_type: 'client_credentials', ...form }, creds);
  return r.status === 200 ? (r.body.access_token as string) : undefined;
}

const clients = [w.client, { id: 'reader', secret: reader.client_secret as string }];
const scopes = ['read', 'read write', 'write', 'orders.cancel', 'read orders.cancel'];
const types = ['api', 'api.orders'];
const audiences: (string | undefined)[] = [w.rs.resource, undefined];
const tokens: { token: string; label: string }[] = [];
for (const c of clients)
  for (const scope of scopes)
    for (const resource_type of types)
      for (const resource of audiences) {
        const form: Record<string, string> = { scope, resource_type };
        if (resource) form.resource = resource;
        const token = await mint(c, form);
        if (token) tokens.push({ token, label: `${c.id} ${scope} ${resource_type} ${resource ?? '(no aud)'}` });
      }
// A token for another resource server: this gateway must see it inactive, like the server.
const foreign = await mint(w.client, { scope: 'read', resource_type: 'api', resource: w.otherRs.resource });
if (foreign) tokens.push({ token: foreign, label: 'bound to files-rs' });
// Some revoked.
const revoked = tokens.filter((_, i) => i % 7 === 3);
for (const r of revoked) {
  const res = await h.form('/revoke', { token: r.token }, w.client);
  if (res.status !== 200) throw new Error(`revoke: ${res.status}`);
}

const contexts: Record<string, unknown>[] = [];
for (const action of [undefined, 'read', 'write', 'orders.cancel', 'delete'])
  for (const resource_type of [undefined, 'api', 'api.orders', 'files'])
    for (const extra of [{}, { resource: 'order-1' }, { resource: 'order-2' }, { ip: '203.0.113.9' }]) {
      const c: Record<string, unknown> = { ...extra };
      if (action) c.action = action;
      if (resource_type) c.resource_type = resource_type;
      contexts.push(c);
    }

t.test('the gateway learns the tokens from the event stream', async (t) => {
  const live = tokens.filter((x) => !revoked.includes(x) && x.label !== 'bound to files-rs');
  const until = Date.now() + 15_000;
  while (Date.now() < until && !(live.every((x) => gateway.knows(x.token)) && revoked.every((x) => !gateway.knows(x.token)))) await new Promise((r) => setTimeout(r, 50));
  t.ok(live.every((x) => gateway.knows(x.token)), `every live token is cached (${gateway.stats().cached} of ${live.length})`);
  t.ok(revoked.every((x) => !gateway.knows(x.token)), 'revoked tokens are not');
});

t.test('check() and /introspect agree over tokens × contexts', async (t) => {
  let same = 0;
  let local = 0;
  let active = 0;
  const differences: string[] = [];
  for (const { token, label } of tokens) {
    for (const ctx of contexts) {
      const [g, s] = await Promise.all([gateway.check(token, ctx), introspect(token, ctx)]);
      if (g.source === 'local') local++;
      if (s.active) active++;
      if (JSON.stringify(comparable(g)) === JSON.stringify(comparable(s))) same++;
      else if (differences.length < 5) differences.push(`${label} ${JSON.stringify(ctx)}: gateway ${JSON.stringify(comparable(g))} server ${JSON.stringify(comparable(s))}`);
    }
  }
  const total = tokens.length * contexts.length;
  t.comment(`${total} comparisons over ${tokens.length} tokens and ${contexts.length} contexts: ${active} active, ${local} answered locally`);
  t.same(differences, [], 'no difference');
  t.equal(same, total);
  t.ok(active >= 50, `allowed answers among them (${active})`);
  t.ok(active < total, 'and of denied ones');
  t.ok(local >= total * 0.9, 'answered locally, not by introspection');
});

t.test('a single-use token goes to the server and is active once', async (t) => {
  const token = (await mint({ id: 'once', secret: once.client_secret as string }, { scope: 'read', resource_type: 'api', resource: w.rs.resource })) as string;
  const until = Date.now() + 5000;
  while (!gateway.knows(token) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  const first = await gateway.check(token, { action: 'read' });
  t.equal(first.source, 'introspect');
  t.equal(first.active, true);
  const second = await gateway.check(token, { action: 'read' });
  t.equal(second.active, false, 'consumed');
  t.same(comparable(await introspect(token, { action: 'read' })), { active: false });
});

t.test('a policy-data change reaches local decisions', async (t) => {
  const token = (await mint(clients[1] as { id: string; secret: string }, { scope: 'read', resource_type: 'api.orders', resource: w.rs.resource })) as string;
  const until = Date.now() + 5000;
  while (!gateway.knows(token) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  t.equal((await gateway.check(token, { action: 'read' })).active, true);
  await must('DELETE', '/admin/entitlements/reader');
  t.equal((await introspect(token, { action: 'read' })).active, false, 'the server denies now');
  const deadline = Date.now() + 5000;
  let g = await gateway.check(token, { action: 'read' });
  while (g.active && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    g = await gateway.check(token, { action: 'read' });
  }
  t.equal(g.active, false, 'and so does the gateway');
  t.equal(g.source, 'local');
});
