// The issue-6 bad-input table: malformed registrations, software statements, client assertions and DPoP
// proofs, each with the exact OAuth error code it must produce. Real jose keys; nothing here is mocked.
import { randomBytes } from 'node:crypto';
import { CompactSign, SignJWT } from 'jose';
import t from 'tap';
import { jwtBearerAssertionType, readClientAssertion, verifyClientAssertion } from '../../src/oauth/assertion/index.js';
import { checkClientIdUrl } from '../../src/oauth/cimd/index.js';
import { DpopNonces, accessTokenHash, verifyDpopProof } from '../../src/oauth/dpop/index.js';
import { type OAuthErrorCode, OAuthError } from '../../src/oauth/errors.js';
import { BoundedFetcher, JwksCache } from '../../src/oauth/fetch/index.js';
import { readRegistrationRequest } from '../../src/oauth/registration/index.js';
import { MemoryReplayStore } from '../../src/oauth/replay/index.js';
import { clientAssertion, dpopProof, makeKey, softwareStatement } from '../helpers/oauth-keys.js';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

// Registration fixtures.
const issuerKey = await makeKey('ES256');
const otherKey = await makeKey('ES256', issuerKey.kid);
const clientKey = await makeKey('ES256');
const keys = new JwksCache(new BoundedFetcher());
const trustedIssuers = { 'https://directory.example': { jwks: { keys: [issuerKey.publicJwk] } }, 'https://keyless.example': {} };
const register = (body: unknown) => readRegistrationRequest(body, { statements: { trustedIssuers, keys } });
const ss = (claims: Record<string, unknown>, key = issuerKey) => softwareStatement(key, { iss: 'https://directory.example', software_id: 'sw', iat: now(), ...claims });

// Assertion fixtures.
const aud = 'https://as.example/token';
const client = { client_id: 'svc', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [clientKey.publicJwk] } };
const assertionOpts = { audiences: [aud, 'https://as.example'], keys, replay: new MemoryReplayStore() };
const verifyAssertion = async (jwt: string) => verifyClientAssertion({ clientId: 'svc', assertion: jwt }, client, assertionOpts);
const ca = (o: Parameters<typeof clientAssertion>[3] = {}, key = clientKey) => clientAssertion(key, 'svc', aud, o);
const form = (o: Record<string, string | string[]>) => new Map(Object.entries(o).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
const replayedAssertion = await ca();
await verifyAssertion(replayedAssertion);

// Proof fixtures.
const proofKey = await makeKey('ES256');
const req = { method: 'POST', url: 'https://as.example/token' };
const dpopReplay = new MemoryReplayStore();
const nonces = new DpopNonces({ secret: randomBytes(32) });
const verifyProof = (proof: string | undefined, extra: Partial<typeof req & { accessToken: string }> = {}) => verifyDpopProof(proof, { ...req, ...extra }, { replay: dpopReplay });
const verifyWithNonce = (proof: string) => verifyDpopProof(proof, req, { replay: dpopReplay, nonces, requireNonce: true });
const { kid: _k, alg: _a, use: _u, ...proofJwk } = proofKey.publicJwk;
const signRaw = (header: Record<string, unknown>, payload: unknown) =>
  new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(header as { alg: string }).sign(proofKey.privateKey);
const macProof = (header: Record<string, unknown>, payload: unknown) =>
  new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(header as { alg: string }).sign(randomBytes(32));
const replayedProof = await dpopProof(proofKey);
await verifyProof(replayedProof);

type Row = [name: string, expected: OAuthErrorCode, run: () => unknown];

const rows: Row[] = [
  // Registrations (RFC 7591 §2, §3.2.2)
  ['registration body is an array', 'invalid_client_metadata', () => register([])],
  ['registration body is a string', 'invalid_client_metadata', () => register('client_name=x')],
  ['redirect_uris is a string', 'invalid_client_metadata', () => register({ redirect_uris: 'https://a.example/cb' })],
  ['redirect_uri with a fragment', 'invalid_client_metadata', () => register({ grant_types: ['authorization_code'], redirect_uris: ['https://a.example/cb#x'] })],
  ['relative redirect_uri', 'invalid_client_metadata', () => register({ grant_types: ['authorization_code'], redirect_uris: ['/cb'] })],
  ['http redirect_uri off loopback', 'invalid_client_metadata', () => register({ grant_types: ['authorization_code'], redirect_uris: ['http://a.example/cb'] })],
  ['javascript: redirect_uri', 'invalid_client_metadata', () => register({ grant_types: ['authorization_code'], redirect_uris: ['javascript:alert(1)'] })],
  ['unsupported grant type', 'invalid_client_metadata', () => register({ grant_types: ['password'] })],
  ['empty grant_types', 'invalid_client_metadata', () => register({ grant_types: [] })],
  ['unsupported response type', 'invalid_client_metadata', () => register({ grant_types: ['authorization_code'], response_types: ['token'], redirect_uris: ['https://a.example/cb'] })],
  ['authorization_code without redirect_uris', 'invalid_client_metadata', () => register({ grant_types: ['authorization_code'] })],
  ['response_types code without authorization_code', 'invalid_client_metadata', () => register({ grant_types: ['client_credentials'], response_types: ['code'] })],
  ['unsupported auth method', 'invalid_client_metadata', () => register({ token_endpoint_auth_method: 'client_secret_jwt' })],
  ['public client asking for client_credentials', 'invalid_client_metadata', () => register({ token_endpoint_auth_method: 'none', grant_types: ['client_credentials'] })],
  ['jwks and jwks_uri together', 'invalid_client_metadata', () => register({ jwks: { keys: [clientKey.publicJwk] }, jwks_uri: 'https://a.example/jwks' })],
  ['jwks holding a private key', 'invalid_client_metadata', () => register({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [clientKey.privateJwk] } })],
  ['jwks holding a symmetric key', 'invalid_client_metadata', () => register({ jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } })],
  ['jwks that is not a set', 'invalid_client_metadata', () => register({ jwks: [clientKey.publicJwk] })],
  ['jwks_uri over http', 'invalid_client_metadata', () => register({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://a.example/jwks' })],
  ['private_key_jwt without keys', 'invalid_client_metadata', () => register({ token_endpoint_auth_method: 'private_key_jwt' })],
  ['symmetric signing alg', 'invalid_client_metadata', () => register({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://a.example/j', token_endpoint_auth_signing_alg: 'HS256' })],
  ['signing alg with a secret method', 'invalid_client_metadata', () => register({ token_endpoint_auth_signing_alg: 'ES256' })],
  ['dpop_bound_access_tokens not a boolean', 'invalid_client_metadata', () => register({ dpop_bound_access_tokens: 'yes' })],
  ['scope with a quote', 'invalid_client_metadata', () => register({ scope: 'read "write"' })],
  ['client_name too long', 'invalid_client_metadata', () => register({ client_name: 'n'.repeat(300) })],
  ['contacts not strings', 'invalid_client_metadata', () => register({ contacts: [42] })],
  ['logo_uri not a URL', 'invalid_client_metadata', () => register({ logo_uri: 'logo.png' })],
  ['client_type contradicting the auth method', 'invalid_client_metadata', () => register({ client_type: 'public' })],
  ['software_id with a control character', 'invalid_client_metadata', () => register({ software_id: 'sw\u0001' })],
  // Software statements (RFC 7591 §2.3, §3.1.1)
  ['software_statement is a number', 'invalid_software_statement', () => register({ software_statement: 42 })],
  ['software_statement is not a JWT', 'invalid_software_statement', () => register({ software_statement: 'not-a-jwt' })],
  ['software_statement from an untrusted issuer', 'unapproved_software_statement', async () => register({ software_statement: await ss({ iss: 'https://evil.example' }) })],
  ['software_statement issuer listed without keys', 'unapproved_software_statement', async () => register({ software_statement: await ss({ iss: 'https://keyless.example' }) })],
  ['software_statement without iss', 'invalid_software_statement', async () => register({ software_statement: await softwareStatement(issuerKey, { software_id: 'x' }) })],
  ['software_statement with a bad signature', 'invalid_software_statement', async () => register({ software_statement: await ss({}, otherKey) })],
  ['software_statement expired', 'invalid_software_statement', async () => register({ software_statement: await ss({ exp: now() - 600 }) })],
  ['software_statement issued in the future', 'invalid_software_statement', async () => register({ software_statement: await ss({ iat: now() + 600 }) })],
  ['software_statement contradicted by client_name', 'invalid_software_statement', async () => register({ software_statement: await ss({ client_name: 'A' }), client_name: 'B' })],
  ['software_statement jwks replaced by jwks_uri', 'invalid_software_statement', async () => register({ software_statement: await ss({ jwks: { keys: [clientKey.publicJwk] } }), jwks_uri: 'https://a.example/j' })],
  ['unsigned software_statement (alg none)', 'invalid_software_statement', () => register({ software_statement: `${b64({ alg: 'none' })}.${b64({ iss: 'https://directory.example' })}.` })],
  // Client assertions (RFC 7523 §3, RFC 7521 §4.2)
  ['client_assertion_type unknown', 'invalid_client', async () => readClientAssertion(form({ client_assertion_type: 'urn:x', client_assertion: await ca() }))],
  ['client_assertion missing', 'invalid_client', () => readClientAssertion(form({ client_assertion_type: jwtBearerAssertionType }))],
  ['client_assertion not a JWT', 'invalid_client', () => readClientAssertion(form({ client_assertion_type: jwtBearerAssertionType, client_assertion: 'abc.def' }))],
  ['client_assertion without sub', 'invalid_client', async () => readClientAssertion(form({ client_assertion_type: jwtBearerAssertionType, client_assertion: await ca({ omit: ['sub'] }) }))],
  ['client_id differing from sub', 'invalid_client', async () => readClientAssertion(form({ client_assertion_type: jwtBearerAssertionType, client_assertion: await ca(), client_id: 'other' }))],
  ['client_assertion repeated', 'invalid_request', async () => readClientAssertion(form({ client_assertion_type: jwtBearerAssertionType, client_assertion: [await ca(), await ca()] }))],
  ['client_assertion with a Basic header', 'invalid_request', async () => readClientAssertion(form({ client_assertion_type: jwtBearerAssertionType, client_assertion: await ca() }), 'Basic c3ZjOnM=')],
  ['client_assertion with client_secret', 'invalid_request', async () => readClientAssertion(form({ client_assertion_type: jwtBearerAssertionType, client_assertion: await ca(), client_secret: 's' }))],
  ['assertion iss is not the client', 'invalid_client', async () => verifyAssertion(await ca({ claims: { iss: 'other' } }))],
  ['assertion aud is another server', 'invalid_client', async () => verifyAssertion(await ca({ claims: { aud: 'https://other.example/token' } }))],
  ['assertion without exp', 'invalid_client', async () => verifyAssertion(await ca({ omit: ['exp'] }))],
  ['assertion expired', 'invalid_client', async () => verifyAssertion(await ca({ claims: { exp: now() - 120 } }))],
  ['assertion living too long', 'invalid_client', async () => verifyAssertion(await ca({ claims: { exp: now() + 3600 } }))],
  ['assertion exp - iat too long', 'invalid_client', async () => verifyAssertion(await ca({ claims: { iat: now() - 600, exp: now() + 60 } }))],
  ['assertion not yet valid', 'invalid_client', async () => verifyAssertion(await ca({ claims: { nbf: now() + 600 } }))],
  ['assertion without jti', 'invalid_client', async () => verifyAssertion(await ca({ omit: ['jti'] }))],
  ['assertion jti replayed', 'invalid_client', () => verifyAssertion(replayedAssertion)],
  ['assertion signed by another key with the same kid', 'invalid_client', async () => verifyAssertion(await ca({ kid: clientKey.kid }, await makeKey('ES256')))],
  ['assertion naming an unknown kid', 'invalid_client', async () => verifyAssertion(await ca({ kid: 'nope' }))],
  ['assertion MACed with HS256', 'invalid_client', async () => verifyAssertion(await new SignJWT({ iss: 'svc', sub: 'svc', aud, exp: now() + 60, jti: 'h' }).setProtectedHeader({ alg: 'HS256' }).sign(randomBytes(32)))],
  ['unsigned assertion (alg none)', 'invalid_client', () => verifyAssertion(`${b64({ alg: 'none' })}.${b64({ iss: 'svc', sub: 'svc', aud, exp: now() + 60, jti: 'n' })}.`)],
  // DPoP proofs (RFC 9449 §4.3, §8)
  ['no DPoP proof', 'invalid_dpop_proof', () => verifyProof(undefined)],
  ['two proofs in one header', 'invalid_dpop_proof', async () => verifyProof(`${await dpopProof(proofKey)},${await dpopProof(proofKey)}`)],
  ['proof longer than the bound', 'invalid_dpop_proof', async () => verifyProof(await dpopProof(proofKey, { extra: { pad: 'x'.repeat(9000) } }))],
  ['proof typ jwt', 'invalid_dpop_proof', async () => verifyProof(await dpopProof(proofKey, { typ: 'JWT' }))],
  ['proof without typ', 'invalid_dpop_proof', async () => verifyProof(await dpopProof(proofKey, { typ: '' }))],
  ['proof alg none', 'invalid_dpop_proof', () => verifyProof(`${b64({ typ: 'dpop+jwt', alg: 'none', jwk: proofJwk })}.${b64({ jti: 'x', htm: 'POST', htu: req.url, iat: now() })}.`)],
  ['proof alg HS256', 'invalid_dpop_proof', async () => verifyProof(await macProof({ alg: 'HS256', typ: 'dpop+jwt', jwk: { kty: 'oct', k: 'c2VjcmV0' } }, { jti: 'x', htm: 'POST', htu: req.url, iat: now() }))],
  ['proof alg not matching its key', 'invalid_dpop_proof', () => signRaw({ alg: 'ES256', typ: 'dpop+jwt', jwk: { ...proofJwk, crv: 'P-384' } }, { jti: 'x', htm: 'POST', htu: req.url, iat: now() }).then(verifyProof)],
  ['proof without jwk', 'invalid_dpop_proof', async () => verifyProof(await dpopProof(proofKey, { jwk: null }))],
  ['proof jwk with the private key', 'invalid_dpop_proof', async () => verifyProof(await dpopProof(proofKey, { jwk: proofKey.privateJwk }))],
  ['proof jwk of another key', 'invalid_dpop_proof', async () => verifyProof(await dpopProof(proofKey, { jwk: (await makeKey('ES256')).publicJwk }))],
  ['proof htm GET for a POST', 'invalid_dpop_proof', async () => verifyProof(await dpopProof(proofKey, { htm: 'GET' }))],
  ['proof htm lower-case', 'invalid_dpop_proof', async () => verifyProof(await dpopProof(proofKey, { htm: 'post' }))],
  ['proof htu another endpoint', 'invalid_dpop_proof', async () => verifyProof(await dpopProof(proofKey, { htu: 'https://as.example/introspect' }))],
  ['proof htu not a URI', 'invalid_dpop_proof', async () => verifyProof(await dpopProof(proofKey, { htu: 'token' }))],
  ['proof without iat', 'invalid_dpop_proof', async () => verifyProof(await dpopProof(proofKey, { omit: ['iat'] }))],
  ['proof iat a string', 'invalid_dpop_proof', async () => verifyProof(await dpopProof(proofKey, { extra: { iat: String(now()) } }))],
  ['proof too old', 'invalid_dpop_proof', async () => verifyProof(await dpopProof(proofKey, { iat: now() - 600 }))],
  ['proof from the future', 'invalid_dpop_proof', async () => verifyProof(await dpopProof(proofKey, { iat: now() + 600 }))],
  ['proof without jti', 'invalid_dpop_proof', async () => verifyProof(await dpopProof(proofKey, { omit: ['jti'] }))],
  ['proof jti too long', 'invalid_dpop_proof', async () => verifyProof(await dpopProof(proofKey, { jti: 'j'.repeat(300) }))],
  ['proof jti replayed', 'invalid_dpop_proof', () => verifyProof(replayedProof)],
  ['proof payload not an object', 'invalid_dpop_proof', () => signRaw({ alg: 'ES256', typ: 'dpop+jwt', jwk: proofJwk }, ['POST']).then(verifyProof)],
  ['proof with an access token but no ath', 'invalid_dpop_proof', async () => verifyProof(await dpopProof(proofKey), { accessToken: 'at' })],
  ['proof ath of another token', 'invalid_dpop_proof', async () => verifyProof(await dpopProof(proofKey, { ath: accessTokenHash('other') }), { accessToken: 'at' })],
  ['proof without the required nonce', 'use_dpop_nonce', async () => verifyWithNonce(await dpopProof(proofKey))],
  ['proof with a made-up nonce', 'use_dpop_nonce', async () => verifyWithNonce(await dpopProof(proofKey, { nonce: 'x'.repeat(32) }))],
  // Client ID Metadata Document URLs
  ['client_id URL without a path', 'invalid_client', () => checkClientIdUrl('https://app.example')],
  ['client_id URL with dot segments', 'invalid_client', () => checkClientIdUrl('https://app.example/a/./b')],
];

t.ok(rows.length >= 40, `${rows.length} cases`);
const names = new Set<string>();
for (const [name, expected, run] of rows) {
  t.test(name, async (t) => {
    t.notOk(names.has(name), 'unique case name');
    names.add(name);
    let got: unknown;
    try {
      await run();
      got = 'accepted';
    } catch (err) {
      got = err;
    }
    if (!(got instanceof OAuthError)) {
      t.fail(`expected ${expected}, got ${got instanceof Error ? `${got.name}: ${got.message}` : String(got)}`);
      return;
    }
    t.equal(got.error, expected, got.description);
    t.ok(got.description.length > 0, 'a description naming what is wrong');
  });
}
