// private_key_jwt (RFC 7523) with real jose keys: inline jwks and jwks_uri over loopback HTTP, the JWKS
// cache (one fetch, refetch on an unknown kid within a cooldown, bounded fetch), each claim check, and jti
// replay for the assertion's lifetime.
import t from 'tap';
import { jwtBearerAssertionType, readClientAssertion, verifyClientAssertion } from '../../src/oauth/assertion/index.js';
import { BoundedFetcher, JwksCache } from '../../src/oauth/fetch/index.js';
import { MemoryReplayStore } from '../../src/oauth/replay/index.js';
import { clientAssertion, clientAssertion as signAssertion, json, makeKey, startLoopbackServer } from '../helpers/oauth-keys.js';
import { code, syncCode } from '../helpers/oauth-outcome.js';

const issuer = 'https://as.example';
const tokenEndpoint = 'https://as.example/token';
const srv = await startLoopbackServer();
t.teardown(() => srv.close());
const fetcher = new BoundedFetcher({ allowHttp: true, allowlist: ['127.0.0.1'], timeoutMs: 500 });
let now = Date.now();
const clock = () => now;
const keys = new JwksCache(fetcher, { refreshCooldownMs: 5_000 }, clock);
const opts = () => ({ audiences: [issuer, tokenEndpoint], keys, replay: new MemoryReplayStore({ now: clock }), now: clock });

const k1 = await makeKey('ES256');
const k2 = await makeKey('PS256');
const inline = { client_id: 'svc-inline', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [k1.publicJwk] } };

const params = (o: Record<string, string>) => new Map(Object.entries(o).map(([k, v]) => [k, [v]]));

t.test('readClientAssertion finds the client and checks the type', async (t) => {
  const jwt = await clientAssertion(k1, 'svc-inline', tokenEndpoint);
  t.same(readClientAssertion(params({ client_assertion_type: jwtBearerAssertionType, client_assertion: jwt })), { clientId: 'svc-inline', assertion: jwt });
  t.equal(readClientAssertion(params({ client_id: 'x', client_secret: 'y' })), undefined, 'no assertion: another method');
  t.equal(syncCode(() => readClientAssertion(params({ client_assertion_type: 'urn:other', client_assertion: jwt }))), 'invalid_client');
  t.equal(syncCode(() => readClientAssertion(params({ client_assertion_type: jwtBearerAssertionType, client_assertion: jwt, client_id: 'someone-else' }))), 'invalid_client');
});

t.test('inline jwks: issuer or token endpoint as aud, array aud', async (t) => {
  const o = opts();
  for (const aud of [issuer, tokenEndpoint, ['https://elsewhere', issuer]]) {
    const a = { clientId: 'svc-inline', assertion: await clientAssertion(k1, 'svc-inline', aud) };
    const v = await verifyClientAssertion(a, inline, o);
    t.equal(v.clientId, 'svc-inline');
  }
});

t.test('a jti is refused for the assertion lifetime, and accepted again after it', async (t) => {
  const o = opts();
  const jwt = await clientAssertion(k1, 'svc-inline', issuer, { claims: { jti: 'once', exp: Math.floor(now / 1000) + 30 } });
  const a = { clientId: 'svc-inline', assertion: jwt };
  t.equal(await code(verifyClientAssertion(a, inline, o)), 'ok');
  t.equal(await code(verifyClientAssertion(a, inline, o)), 'invalid_client: client_assertion jti has been used before');
  const saved = now;
  now += 25_000;
  t.equal(await code(verifyClientAssertion(a, inline, o)), 'invalid_client: client_assertion jti has been used before', 'still within its lifetime');
  now = saved + 120_000;
  const fresh = await clientAssertion(k1, 'svc-inline', issuer, { claims: { jti: 'once', exp: Math.floor(now / 1000) + 30, iat: Math.floor(now / 1000) } });
  t.equal(await code(verifyClientAssertion({ clientId: 'svc-inline', assertion: fresh }, inline, o)), 'ok', 'after expiry the value may come back');
  now = saved;
});

t.test('jwks_uri: fetched once, cached, refetched on an unknown kid after the cooldown', async (t) => {
  let served = { keys: [k1.publicJwk] };
  srv.route('/jwks', (req, res) => json(served, { 'cache-control': 'max-age=300' })(req, res));
  const client = { client_id: 'svc-remote', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: `${srv.origin}/jwks` };
  const o = opts();
  const start = now;
  const clientAssertion = (k: typeof k1, id: string, aud: string) =>
    signAssertion(k, id, aud, { claims: { exp: Math.floor(now / 1000) + 60, iat: Math.floor(now / 1000) } });
  for (let i = 0; i < 3; i++) {
    t.equal(await code(verifyClientAssertion({ clientId: 'svc-remote', assertion: await clientAssertion(k1, 'svc-remote', issuer) }, client, o)), 'ok');
  }
  t.equal(srv.hits.get('/jwks'), 1, 'one fetch for three assertions');
  // The client rotates to k2: within the cooldown the cached set is used and the new kid is unknown.
  served = { keys: [k1.publicJwk, k2.publicJwk] };
  t.match(await code(verifyClientAssertion({ clientId: 'svc-remote', assertion: await clientAssertion(k2, 'svc-remote', issuer) }, client, o)), /no key of the client/);
  t.equal(srv.hits.get('/jwks'), 1, 'no refetch within the cooldown');
  now += 6_000;
  t.equal(await code(verifyClientAssertion({ clientId: 'svc-remote', assertion: await clientAssertion(k2, 'svc-remote', issuer) }, client, o)), 'ok', 'refetched on the unknown kid');
  t.equal(srv.hits.get('/jwks'), 2);
  t.equal(await code(verifyClientAssertion({ clientId: 'svc-remote', assertion: await clientAssertion(k1, 'svc-remote', issuer) }, client, o)), 'ok');
  t.equal(srv.hits.get('/jwks'), 2, 'known kids do not refetch');
  now += 301_000;
  await verifyClientAssertion({ clientId: 'svc-remote', assertion: await clientAssertion(k1, 'svc-remote', issuer) }, client, o);
  t.equal(srv.hits.get('/jwks'), 3, 'refetched when max-age ran out');
  now = start;
});

t.test('a jwks_uri fetch is bounded: slow, huge, redirecting and private servers fail fast', async (t) => {
  srv.route('/slow', (_req, res) => setTimeout(() => json({ keys: [k1.publicJwk] })(_req, res), 2_000).unref());
  srv.route('/huge', json({ keys: [k1.publicJwk], pad: 'x'.repeat(100_000) }));
  srv.route('/moved', (_req, res) => res.writeHead(302, { location: `${srv.origin}/jwks` }).end());
  const o = opts();
  const tryUri = async (jwks_uri: string, f: JwksCache = keys) =>
    code(verifyClientAssertion({ clientId: 'c', assertion: await clientAssertion(k1, 'c', issuer) }, { client_id: 'c', token_endpoint_auth_method: 'private_key_jwt', jwks_uri }, { ...o, keys: f }));
  const started = Date.now();
  t.match(await tryUri(`${srv.origin}/slow`), /^invalid_client: .*did not answer within 500 ms/);
  t.ok(Date.now() - started < 1_500, 'no hang');
  t.match(await tryUri(`${srv.origin}/huge`), /larger than 65536 bytes/);
  t.match(await tryUri(`${srv.origin}/moved`), /redirect/);
  const strict = new JwksCache(new BoundedFetcher({ allowHttp: true }));
  t.match(await tryUri(`${srv.origin}/jwks`, strict), /loopback, private/);
});

t.test('the client must be registered for private_key_jwt', async (t) => {
  const a = { clientId: 'svc-inline', assertion: await clientAssertion(k1, 'svc-inline', issuer) };
  t.match(await code(verifyClientAssertion(a, { ...inline, token_endpoint_auth_method: 'client_secret_basic' }, opts())), /authenticates with client_secret_basic/);
  t.equal(await code(verifyClientAssertion(a, null, opts())), 'invalid_client: client authentication failed');
  t.equal(await code(verifyClientAssertion(a, { ...inline, disabled: true }, opts())), 'invalid_client: client authentication failed');
  t.match(await code(verifyClientAssertion(a, { ...inline, token_endpoint_auth_signing_alg: 'PS256' }, opts())), /alg must be PS256/);
});
