// Issue 6 across two hosts: a private_key_jwt jti used through one actor host is refused when replayed to
// the other, a DPoP proof used at one frontend is refused at the other (the jti store is shared JetStream
// KV), and server nonces (use_dpop_nonce, DPoP-Nonce) issued by one host are accepted by the other.
import t from 'tap';
import { clientActorKey } from '../../src/actors/index.js';
import { hostOf, provisionWorld, settleShards, startHarness, startSecondHost } from './lib/harness.js';
import { clientAssertion, dpopProof, keyPair } from './lib/issue6.js';

// Two frontends of one deployment answer for one issuer (proofs' htu and assertions' aud name it), whatever
// port each listens on.
const shared = { issuer: 'https://as.portcullis.test', dpopRequireNonce: true, dpopNonceSecret: 'a shared nonce secret of at least 32 bytes' };
const h = await startHarness(shared);
const host2 = await startSecondHost(h, shared);
const second = host2.server;
t.teardown(async () => {
  await host2.stop();
  await h.stop();
});
const w = await provisionWorld(h);
const issuer = h.server.config.issuer;
const assertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const tokenForm = { grant_type: 'client_credentials', scope: 'read', resource: 'https://orders.example', resource_type: 'api' };

async function post(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const res = await fetch(`${url}/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString() });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

const basic = `Basic ${Buffer.from(`${w.client.id}:${w.client.secret}`).toString('base64')}`;

t.test('use_dpop_nonce: a nonce from one host works at the other; a replayed DPoP proof is refused at the other frontend', async (t) => {
  await settleShards(h, host2);
  const k = await keyPair();
  const first = await post(h.url, tokenForm, { Authorization: basic, DPoP: await dpopProof(k, 'POST', `${issuer}/token`) });
  t.equal(first.status, 400);
  t.equal(first.body.error, 'use_dpop_nonce');
  const nonce = first.headers.get('dpop-nonce');
  t.type(nonce, 'string', 'the answer carries DPoP-Nonce');
  const proof = await dpopProof(k, 'POST', `${issuer}/token`, { nonce });
  const ok = await post(second.url, tokenForm, { Authorization: basic, DPoP: proof });
  t.equal(ok.status, 200, JSON.stringify(ok.body));
  t.equal(ok.body.token_type, 'DPoP');
  t.type(ok.headers.get('dpop-nonce'), 'string', 'a success carries the current nonce too');
  const replay = await post(h.url, tokenForm, { Authorization: basic, DPoP: proof });
  t.equal(replay.status, 400);
  t.equal(replay.body.error, 'invalid_dpop_proof');
  t.match(replay.body.error_description, /used before/);
  const badNonce = await post(second.url, tokenForm, { Authorization: basic, DPoP: await dpopProof(k, 'POST', `${issuer}/token`, { nonce: 'x'.repeat(32) }) });
  t.equal(badNonce.body.error, 'use_dpop_nonce');
});

t.test('a private_key_jwt jti used through one actor host is refused by the other', async (t) => {
  await settleShards(h, host2);
  const k = await keyPair();
  // A client whose shard the second host owns.
  let clientId = '';
  for (let i = 0; i < 200 && clientId === ''; i++) {
    const id = `pk-${i}`;
    if (hostOf(second).owns('client', second.router.shardOf(clientActorKey(id)))) clientId = id;
  }
  t.not(clientId, '', 'found a client owned by the second host');
  t.equal((await h.admin('POST', '/admin/clients', { client_id: clientId, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [k.jwk] } })).status, 201);
  t.equal((await h.admin('POST', '/admin/entitlements', { id: `${clientId}-api`, client_id: clientId, scopes: ['read'], resource_types: ['api'] })).status, 201);
  const assertion = await clientAssertion(k, clientId, `${issuer}/token`);
  const form = { ...tokenForm, client_assertion_type: assertionType, client_assertion: assertion };
  const ok = await post(h.url, form);
  t.equal(ok.status, 200, JSON.stringify(ok.body));
  t.ok(h.server.router.remoteCalls > 0, 'the first use went over NATS to the second host');
  // The second host leaves; its shards (this client's among them) move to the first.
  await host2.stop();
  await settleShards(h, host2);
  t.ok(hostOf(h.server).owns('client', h.server.router.shardOf(clientActorKey(clientId))), 'the first host owns the client now');
  const replay = await post(h.url, form);
  t.equal(replay.status, 401);
  t.equal(replay.body.error, 'invalid_client');
  t.match(replay.body.error_description, /used before/);
  const fresh = await post(h.url, { ...tokenForm, client_assertion_type: assertionType, client_assertion: await clientAssertion(k, clientId, `${issuer}/token`) });
  t.equal(fresh.status, 200, 'a new assertion still works');
});
