// GET /stream: a WebSocket of token events for the resource servers the caller's access token may
// stream — policy decides (the token needs the `stream` scope for that resource server) — with replay
// from a point in time; refused with 401 / 403 otherwise.
import t from 'tap';
import { provisionWorld, startHarness } from '../e2e/lib/harness.js';
import { connectWs } from './lib/ws-client.js';

const h = await startHarness();
t.teardown(() => h.stop());
const w = await provisionWorld(h);
const must = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
  const r = await h.admin('POST', path, body);
  if (r.status !== 201) throw new Error(`POST ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};
// The gateway's client may ask for `stream` on the orders resource server only.
await must('/admin/resource-types', { name: 'token-events', scopes: ['stream'] });
const gw = await must('/admin/clients', { client_id: 'orders-gateway' });
await must('/admin/entitlements', { id: 'orders-gateway', client_id: 'orders-gateway', scopes: ['stream'], resource_types: ['token-events'] });
const gwCreds = { id: 'orders-gateway', secret: gw.client_secret as string };
const wsUrl = h.url.replace(/^http/, 'http') + '/stream';

async function mint(creds: { id: string; secret: string }, form: Record<string, string>): Promise<string> {
  const r = await h.form('/token', { grant_type: 'client_credentials', ...form }, creds);
  if (r.status !== 200) throw new Error(`token: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.access_token as string;
}

const before = Date.now();
const early = await mint(w.client, { scope: 'read', resource: w.rs.resource, resource_type: 'api' });

t.test('a stream token sees its resource server’s events, replayed and live', async (t) => {
  const token = await mint(gwCreds, { scope: 'stream', resource: w.rs.resource, resource_type: 'token-events' });
  const r = await connectWs(`${wsUrl}?since=${before}`, { Authorization: `Bearer ${token}` });
  t.equal(r.status, 101);
  if (!r.ws) return;
  const [hello] = await r.ws.waitFor(1);
  t.match(JSON.parse(hello as string), { type: 'subscribed', servers: ['orders-rs'] });
  // Replay: the token minted before the socket opened.
  const replayed = (await r.ws.waitFor(2)).slice(1).map((m) => JSON.parse(m) as { event: { type: string; server: string; token_hash: string } });
  t.match(replayed[0]?.event, { type: 'issued', server: 'orders-rs' });
  // Live: a new token for orders-rs arrives, one for files-rs does not.
  const n = r.ws.messages.length;
  await mint(w.client, { scope: 'read', resource: w.otherRs.resource, resource_type: 'api' });
  const live = await mint(w.client, { scope: 'read', resource: w.rs.resource, resource_type: 'api' });
  await h.form('/revoke', { token: live }, w.client);
  const msgs = (await r.ws.waitFor(n + 2)).slice(n).map((m) => JSON.parse(m) as { event: { type: string; server: string; token_hash?: string; access_token?: string } });
  t.same(msgs.map((m) => `${m.event.type} ${m.event.server}`), ['issued orders-rs', 'revoked orders-rs']);
  t.notOk(JSON.stringify(msgs).includes(live), 'no token value in any event');
  t.ok(r.ws.messages.every((m) => !m.includes('files-rs')), 'nothing of files-rs');
  r.ws.close();
  void early;
});

t.test('refusals', async (t) => {
  const none = await connectWs(wsUrl);
  t.equal(none.status, 401, 'no token');
  if (!none.ws) t.match(none.headers['www-authenticate'], /^Bearer realm="portcullis"/);
  const bogus = await connectWs(wsUrl, { Authorization: `Bearer ${'x'.repeat(43)}` });
  t.equal(bogus.status, 401, 'unknown token');
  // A token without the stream scope: policy denies the stream action.
  const plain = await mint(w.client, { scope: 'read', resource: w.rs.resource, resource_type: 'api' });
  const denied = await connectWs(wsUrl, { Authorization: `Bearer ${plain}` });
  t.equal(denied.status, 403, 'policy does not allow streaming');
  if (!denied.ws) t.match(denied.headers['www-authenticate'], /insufficient_scope/);
  const bad = await connectWs(`${wsUrl}?since=yesterday`, { Authorization: `Bearer ${plain}` });
  t.equal(bad.status, 400);
  const plainGet = await fetch(wsUrl);
  t.equal(plainGet.status, 426, 'a plain GET is told to upgrade');
});
