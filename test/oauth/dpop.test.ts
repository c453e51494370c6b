// DPoP proof verification (RFC 9449 §4.3) with real jose keys: each check, htu normalisation, ath, key
// binding, jti replay and server nonces with rotation. The clock is frozen where time matters.
import { randomBytes } from 'node:crypto';
import { type KeyLike, calculateJwkThumbprint } from 'jose';
import t from 'tap';
import { OAuthError } from '../../src/oauth/errors.js';
import { DpopNonces, accessTokenHash, normalizeHtu, requireDpopProof, verifyDpopProof } from '../../src/oauth/dpop/index.js';
import { ExpiringCache } from '../../src/oauth/fetch/index.js';
import { MemoryReplayStore } from '../../src/oauth/replay/index.js';
import { dpopProof, makeKey } from '../helpers/oauth-keys.js';
import { code, syncCode } from '../helpers/oauth-outcome.js';

const url = 'https://as.example/token';
const req = { method: 'POST', url };
const es = await makeKey('ES256');

t.test('a valid proof gives the RFC 7638 thumbprint of its key', async (t) => {
  for (const alg of ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA']) {
    const key = alg === 'ES256' ? es : await makeKey(alg);
    const proof = await dpopProof(key);
    const out = await verifyDpopProof(proof, req, { replay: new MemoryReplayStore() });
    const { kid: _k, alg: _a, use: _u, ...jwk } = key.publicJwk;
    t.equal(out.jkt, await calculateJwkThumbprint(jwk, 'sha256'), alg);
    t.equal(out.htm, 'POST');
    t.notOk('d' in out.jwk, 'only the public key comes back');
  }
});

t.test('htu is compared normalised, without query and fragment', async (t) => {
  t.equal(normalizeHtu('HTTPS://AS.Example:443/token?x=1#f'), 'https://as.example/token');
  t.equal(normalizeHtu('https://as.example/%7Etoken/%2f'), 'https://as.example/~token/%2F');
  t.equal(normalizeHtu('https://as.example'), 'https://as.example/');
  t.equal(normalizeHtu('ftp://as.example/x'), undefined);
  const replay = new MemoryReplayStore();
  t.equal(await code(verifyDpopProof(await dpopProof(es, { htu: 'https://AS.example:443/token?q=1' }), req, { replay })), 'ok');
  t.equal(await code(verifyDpopProof(await dpopProof(es), { method: 'POST', url: 'https://as.example/token?a=b' }, { replay })), 'ok');
  t.match(await code(verifyDpopProof(await dpopProof(es, { htu: 'https://as.example/other' }), req, { replay })), /^invalid_dpop_proof: htu/);
  t.match(await code(verifyDpopProof(await dpopProof(es, { htu: 'http://as.example/token' }), req, { replay })), /^invalid_dpop_proof: htu/);
});

t.test('iat window with skew, on a frozen clock', async (t) => {
  const now = 1_800_000_000_000;
  const opts = { replay: new MemoryReplayStore({ now: () => now }), now: () => now, maxAgeSec: 60, clockSkewSec: 5 };
  const at = (iat: number) => dpopProof(es, { iat });
  t.equal(await code(verifyDpopProof(await at(now / 1000 - 60), req, opts)), 'ok', 'exactly the oldest accepted');
  t.match(await code(verifyDpopProof(await at(now / 1000 - 61), req, opts)), /older than 60 seconds/);
  t.equal(await code(verifyDpopProof(await at(now / 1000 + 5), req, opts)), 'ok', 'within skew');
  t.match(await code(verifyDpopProof(await at(now / 1000 + 6), req, opts)), /iat is in the future/);
});

t.test('ath is required and checked when an access token accompanies the proof', async (t) => {
  const replay = new MemoryReplayStore();
  const token = 'tok-' + randomBytes(16).toString('hex');
  const rs = { method: 'GET', url: 'https://rs.example/data', accessToken: token };
  t.equal(accessTokenHash('abc'), 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  t.equal(await code(verifyDpopProof(await dpopProof(es, { htm: 'GET', htu: rs.url, ath: accessTokenHash(token) }), rs, { replay })), 'ok');
  t.match(await code(verifyDpopProof(await dpopProof(es, { htm: 'GET', htu: rs.url }), rs, { replay })), /ath is required/);
  t.match(await code(verifyDpopProof(await dpopProof(es, { htm: 'GET', htu: rs.url, ath: accessTokenHash('other') }), rs, { replay })), /ath does not match/);
});

t.test('a proof must come from the key the token is bound to', async (t) => {
  const replay = new MemoryReplayStore();
  const first = await verifyDpopProof(await dpopProof(es), req, { replay });
  const other = await makeKey('ES256');
  t.equal(await code(verifyDpopProof(await dpopProof(es), { ...req, boundJkt: first.jkt }, { replay })), 'ok');
  t.match(await code(verifyDpopProof(await dpopProof(other), { ...req, boundJkt: first.jkt }, { replay })), /not the key the access token is bound to/);
});

t.test('a jti is accepted once per key', async (t) => {
  const replay = new MemoryReplayStore();
  const proof = await dpopProof(es, { jti: 'same' });
  t.equal(await code(verifyDpopProof(proof, req, { replay })), 'ok');
  t.equal(await code(verifyDpopProof(proof, req, { replay })), 'invalid_dpop_proof: the DPoP proof jti has been used before');
  const other = await makeKey('ES256');
  t.equal(await code(verifyDpopProof(await dpopProof(other, { jti: 'same' }), req, { replay })), 'ok', 'another key may reuse the value');
});

t.test('server nonces: issue, require, rotate, validate across hosts', async (t) => {
  let now = 1_800_000_000_000;
  const secret = randomBytes(32);
  const hostA = new DpopNonces({ secret, rotateMs: 60_000, now: () => now });
  const hostB = new DpopNonces({ secret, rotateMs: 60_000, now: () => now });
  const opts = { replay: new MemoryReplayStore({ now: () => now }), now: () => now, nonces: hostB, requireNonce: true };
  const iat = () => Math.floor(now / 1000);
  t.equal(await code(verifyDpopProof(await dpopProof(es, { iat: iat() }), req, opts)), 'use_dpop_nonce: the authorization server requires a nonce in the DPoP proof');
  const n1 = hostA.current();
  t.match(n1, /^[A-Za-z0-9_-]{32}$/);
  t.equal(await code(verifyDpopProof(await dpopProof(es, { iat: iat(), nonce: n1 }), req, opts)), 'ok', 'a nonce from another host is accepted');
  now += 60_000;
  t.not(hostA.current(), n1, 'rotated');
  t.equal(await code(verifyDpopProof(await dpopProof(es, { iat: iat(), nonce: n1 }), req, opts)), 'ok', 'the previous nonce stays valid one window');
  now += 60_000;
  t.match(await code(verifyDpopProof(await dpopProof(es, { iat: iat(), nonce: n1 }), req, opts)), /^use_dpop_nonce: .*no longer/);
  t.match(await code(verifyDpopProof(await dpopProof(es, { iat: iat(), nonce: 'made-up' }), req, opts)), /^use_dpop_nonce/);
  const e = await verifyDpopProof(await dpopProof(es, { iat: iat() }), req, opts).catch((x: unknown) => x);
  t.ok(e instanceof OAuthError && e.status === 400, 'use_dpop_nonce is a 400 at the token endpoint');
  t.throws(() => new DpopNonces({ secret: randomBytes(8) }), TypeError);
});

t.test('a client registered with dpop_bound_access_tokens cannot go without a proof', async (t) => {
  t.equal(syncCode(() => requireDpopProof({ dpop_bound_access_tokens: true }, undefined)), 'invalid_dpop_proof');
  t.doesNotThrow(() => requireDpopProof({ dpop_bound_access_tokens: true }, 'x.y.z'));
  t.doesNotThrow(() => requireDpopProof({}, undefined));
});

t.test('the request URL is ours to get right: a bad one is a TypeError', async (t) => {
  await t.rejects(verifyDpopProof(await dpopProof(es), { method: 'POST', url: '/token' }, { replay: new MemoryReplayStore() }), TypeError);
});

t.test('with a key cache a client key is imported once and still checked per proof', async (t) => {
  const keyCache = new ExpiringCache<KeyLike | Uint8Array>(10);
  const opts = { replay: new MemoryReplayStore(), keyCache };
  t.equal(await code(verifyDpopProof(await dpopProof(es), req, opts)), 'ok');
  t.equal(keyCache.size, 1);
  t.equal(await code(verifyDpopProof(await dpopProof(es), req, opts)), 'ok');
  t.equal(keyCache.size, 1, 'one entry per key');
  const other = await makeKey('ES256');
  const forged = await dpopProof(other, { jwk: (({ kid: _k, alg: _a, use: _u, ...j }) => j)(es.publicJwk) });
  t.match(await code(verifyDpopProof(forged, req, opts)), /signature does not verify/, 'a cached key does not skip the signature check');
});
