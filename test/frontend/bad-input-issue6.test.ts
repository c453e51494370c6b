// Malformed registrations, client assertions and DPoP proofs through the running server (real HTTP, a
// real nats-server): each is refused with its protocol's error and status, none is a 500 or a hang.
import { randomUUID } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import t from 'tap';
import { provisionWorld, startHarness } from '../e2e/lib/harness.js';
import { clientAssertion, dpopProof, keyPair } from '../e2e/lib/issue6.js';

const h = await startHarness();
t.teardown(() => h.stop());
const w = await provisionWorld(h);
const issuer = h.server.config.issuer;
const tokenUrl = `${issuer}/token`;
const jwtBearer = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const k = await keyPair();
const other = await keyPair();
await h.admin('POST', '/admin/clients', { client_id: 'bad-pk', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [k.jwk] } });
await h.admin('POST', '/admin/software-statement-issuers', { id: 'iss', issuer: 'https://issuer.test', jwks: { keys: [k.jwk] } });
const basicAuth = `Basic ${Buffer.from(`${w.client.id}:${w.client.secret}`).toString('base64')}`;
const form = { grant_type: 'client_credentials', scope: 'read' };
const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const hs = new TextEncoder().encode('a symmetric key of thirty-two bytes!');

interface Case {
  name: string;
  send: () => Promise<Response>;
  status: number;
  error: string;
}

const register = (body: unknown, contentType = 'application/json') => (): Promise<Response> =>
  fetch(`${h.url}/register`, { method: 'POST', headers: { 'Content-Type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const token = (extra: Record<string, string>, headers: Record<string, string> = {}) => (): Promise<Response> =>
  fetch(`${h.url}/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams({ ...form, ...extra }).toString() });
const assertion = (jwt: string, extra: Record<string, string> = {}, headers: Record<string, string> = {}) => token({ client_assertion_type: jwtBearer, client_assertion: jwt, ...extra }, headers);
const proof = (p: string) => token({}, { Authorization: basicAuth, DPoP: p });
const sign = (claims: Record<string, unknown>, header: Record<string, unknown> = {}, key = k) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: key.kid, ...header }).sign(key.privateKey);
const now = Math.floor(Date.now() / 1000);
const good = { iss: 'bad-pk', sub: 'bad-pk', aud: tokenUrl, exp: now + 60, iat: now };
const { kid: _, alg: __, use: ___, ...pub } = k.jwk;
const dpopHeader = { typ: 'dpop+jwt', jwk: pub };
const dpopClaims = () => ({ jti: randomUUID(), htm: 'POST', htu: tokenUrl, iat: Math.floor(Date.now() / 1000) });
const meta = 'invalid_client_metadata';

const cases: Case[] = [
  // Registrations (RFC 7591).
  { name: 'register: form body', send: register('client_name=x', 'application/x-www-form-urlencoded'), status: 415, error: 'invalid_request' },
  { name: 'register: not JSON', send: register('{not json'), status: 400, error: meta },
  { name: 'register: a JSON array', send: register([]), status: 400, error: meta },
  { name: 'register: redirect_uris not an array', send: register({ redirect_uris: 'https://a.example/cb' }), status: 400, error: meta },
  { name: 'register: redirect_uri with a fragment', send: register({ redirect_uris: ['https://a.example/cb#x'] }), status: 400, error: meta },
  { name: 'register: javascript: redirect_uri', send: register({ redirect_uris: ['javascript:alert(1)'] }), status: 400, error: meta },
  { name: 'register: http redirect_uri off loopback', send: register({ redirect_uris: ['http://a.example/cb'] }), status: 400, error: meta },
  { name: 'register: unknown auth method', send: register({ token_endpoint_auth_method: 'client_secret_jwt_v9' }), status: 400, error: meta },
  { name: 'register: unsupported grant type', send: register({ grant_types: ['password'] }), status: 400, error: meta },
  { name: 'register: empty grant_types', send: register({ grant_types: [] }), status: 400, error: meta },
  { name: 'register: jwks and jwks_uri', send: register({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [pub] }, jwks_uri: 'https://a.example/jwks' }), status: 400, error: meta },
  { name: 'register: private key in jwks', send: register({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ ...pub, d: 'AAAA' }] } }), status: 400, error: meta },
  { name: 'register: symmetric key in jwks', send: register({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ kty: 'oct', k: 'AAAA' }] } }), status: 400, error: meta },
  { name: 'register: private_key_jwt without keys', send: register({ token_endpoint_auth_method: 'private_key_jwt' }), status: 400, error: meta },
  { name: 'register: http jwks_uri', send: register({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://a.example/jwks' }), status: 400, error: meta },
  { name: 'register: public client with client_credentials', send: register({ token_endpoint_auth_method: 'none' }), status: 400, error: meta },
  { name: 'register: dpop_bound_access_tokens not a boolean', send: register({ dpop_bound_access_tokens: 'yes' }), status: 400, error: meta },
  { name: 'register: scope with a quote', send: register({ scope: 'read "write"' }), status: 400, error: meta },
  { name: 'register: symmetric signing alg', send: register({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [pub] }, token_endpoint_auth_signing_alg: 'HS256' }), status: 400, error: meta },
  { name: 'register: client_name a number', send: register({ client_name: 42 }), status: 400, error: meta },
  { name: 'register: statement a number', send: register({ software_statement: 42 }), status: 400, error: 'invalid_software_statement' },
  { name: 'register: statement not a JWT', send: register({ software_statement: 'not.a.jwt' }), status: 400, error: 'invalid_software_statement' },
  { name: 'register: unsigned statement', send: register({ software_statement: new UnsecuredJWT({ iss: 'https://issuer.test' }).encode() }), status: 400, error: 'invalid_software_statement' },
  { name: 'register: statement without iss', send: async () => register({ software_statement: await sign({ software_id: 'x' }) })(), status: 400, error: 'invalid_software_statement' },
  { name: 'register: statement from an untrusted issuer', send: async () => register({ software_statement: await sign({ iss: 'https://nobody.test' }) })(), status: 400, error: 'unapproved_software_statement' },
  { name: 'register: statement signed HS256', send: async () => register({ software_statement: await new SignJWT({ iss: 'https://issuer.test' }).setProtectedHeader({ alg: 'HS256' }).sign(hs) })(), status: 400, error: 'invalid_software_statement' },
  { name: 'register: statement not yet valid', send: async () => register({ software_statement: await sign({ iss: 'https://issuer.test', nbf: now + 3600 }) })(), status: 400, error: 'invalid_software_statement' },
  { name: 'register/:id: no token', send: () => fetch(`${h.url}/register/app`), status: 401, error: 'invalid_token' },
  { name: 'register/:id: Basic, not Bearer', send: () => fetch(`${h.url}/register/app`, { headers: { Authorization: basicAuth } }), status: 401, error: 'invalid_token' },
  { name: 'register/:id: a client registered by the admin API has no token', send: () => fetch(`${h.url}/register/app`, { headers: { Authorization: 'Bearer abc' } }), status: 401, error: 'invalid_token' },
  // Client assertions (RFC 7523).
  { name: 'assertion: wrong client_assertion_type', send: token({ client_assertion_type: 'urn:x', client_assertion: 'a.b.c' }), status: 401, error: 'invalid_client' },
  { name: 'assertion: type without assertion', send: token({ client_assertion_type: jwtBearer }), status: 401, error: 'invalid_client' },
  { name: 'assertion: not a JWT', send: assertion('not-a-jwt'), status: 401, error: 'invalid_client' },
  { name: 'assertion: no sub', send: async () => assertion(await sign({ ...good, sub: undefined }))(), status: 401, error: 'invalid_client' },
  { name: 'assertion: with Basic as well', send: async () => assertion(await clientAssertion(k, 'bad-pk', tokenUrl), {}, { Authorization: basicAuth })(), status: 400, error: 'invalid_request' },
  { name: 'assertion: with client_secret as well', send: async () => assertion(await clientAssertion(k, 'bad-pk', tokenUrl), { client_secret: 'x' })(), status: 400, error: 'invalid_request' },
  { name: 'assertion: client_id differs from sub', send: async () => assertion(await clientAssertion(k, 'bad-pk', tokenUrl), { client_id: 'app' })(), status: 401, error: 'invalid_client' },
  { name: 'assertion: unsigned', send: assertion(new UnsecuredJWT(good).encode()), status: 401, error: 'invalid_client' },
  { name: 'assertion: HS256', send: async () => assertion(await new SignJWT({ ...good, jti: randomUUID() }).setProtectedHeader({ alg: 'HS256' }).sign(hs))(), status: 401, error: 'invalid_client' },
  { name: 'assertion: expired', send: async () => assertion(await sign({ ...good, jti: randomUUID(), exp: now - 600, iat: now - 700 }))(), status: 401, error: 'invalid_client' },
  { name: 'assertion: exp a day away', send: async () => assertion(await sign({ ...good, jti: randomUUID(), exp: now + 86_400 }))(), status: 401, error: 'invalid_client' },
  { name: 'assertion: iss is not sub', send: async () => assertion(await sign({ ...good, jti: randomUUID(), iss: 'app' }))(), status: 401, error: 'invalid_client' },
  { name: 'assertion: no jti', send: async () => assertion(await sign(good))(), status: 401, error: 'invalid_client' },
  { name: 'assertion: unknown client', send: async () => assertion(await clientAssertion(k, 'nobody', tokenUrl))(), status: 401, error: 'invalid_client' },
  { name: 'assertion: for a client_secret client', send: async () => assertion(await clientAssertion(k, 'app', tokenUrl))(), status: 401, error: 'invalid_client' },
  { name: 'assertion: signed by another key', send: async () => assertion(await clientAssertion(other, 'bad-pk', tokenUrl))(), status: 401, error: 'invalid_client' },
  { name: 'assertion: wrong audience', send: async () => assertion(await clientAssertion(k, 'bad-pk', 'https://other.example'))(), status: 401, error: 'invalid_client' },
  // DPoP proofs (RFC 9449).
  { name: 'dpop: not a JWT', send: proof('nope'), status: 400, error: 'invalid_dpop_proof' },
  { name: 'dpop: typ JWT', send: async () => proof(await sign(dpopClaims(), { ...dpopHeader, typ: 'JWT' }))(), status: 400, error: 'invalid_dpop_proof' },
  { name: 'dpop: unsigned', send: proof(`${b64({ alg: 'none', typ: 'dpop+jwt', jwk: pub })}.${b64(dpopClaims())}.`), status: 400, error: 'invalid_dpop_proof' },
  { name: 'dpop: HS256', send: async () => proof(await new SignJWT(dpopClaims()).setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: { kty: 'oct' } }).sign(hs))(), status: 400, error: 'invalid_dpop_proof' },
  { name: 'dpop: no jwk', send: async () => proof(await sign(dpopClaims(), { typ: 'dpop+jwt' }))(), status: 400, error: 'invalid_dpop_proof' },
  { name: 'dpop: private jwk', send: async () => proof(await sign(dpopClaims(), { typ: 'dpop+jwt', jwk: { ...pub, d: 'AAAA' } }))(), status: 400, error: 'invalid_dpop_proof' },
  { name: 'dpop: htm GET', send: async () => proof(await dpopProof(k, 'GET', tokenUrl))(), status: 400, error: 'invalid_dpop_proof' },
  { name: 'dpop: htu elsewhere', send: async () => proof(await dpopProof(k, 'POST', 'https://elsewhere.example/token'))(), status: 400, error: 'invalid_dpop_proof' },
  { name: 'dpop: iat 10 minutes old', send: async () => proof(await sign({ ...dpopClaims(), iat: now - 600 }, dpopHeader))(), status: 400, error: 'invalid_dpop_proof' },
  { name: 'dpop: iat in the future', send: async () => proof(await sign({ ...dpopClaims(), iat: now + 600 }, dpopHeader))(), status: 400, error: 'invalid_dpop_proof' },
  { name: 'dpop: no jti', send: async () => proof(await sign({ ...dpopClaims(), jti: undefined }, dpopHeader))(), status: 400, error: 'invalid_dpop_proof' },
  { name: 'dpop: signed by a key other than its jwk', send: async () => proof(await sign(dpopClaims(), dpopHeader, other))(), status: 400, error: 'invalid_dpop_proof' },
  { name: 'dpop: two proofs', send: async () => proof(`${await dpopProof(k, 'POST', tokenUrl)}, ${await dpopProof(k, 'POST', tokenUrl)}`)(), status: 400, error: 'invalid_dpop_proof' },
  { name: 'dpop: a 10 KB proof', send: async () => proof(await sign({ ...dpopClaims(), pad: 'x'.repeat(10_000) }, dpopHeader))(), status: 400, error: 'invalid_dpop_proof' },
  // The resource server's proof at introspection.
  { name: 'introspect: dpop_proof without dpop_htm', send: () => fetch(`${h.url}/introspect`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${Buffer.from(`${w.rs.id}:${w.rs.secret}`).toString('base64')}` }, body: 'token=abcdefghijklmnopqrstuvwxyz&dpop_proof=x' }), status: 400, error: 'invalid_request' },
];

t.ok(cases.length >= 40, `${cases.length} malformed inputs`);
for (const c of cases) {
  t.test(c.name, async (t) => {
    const res = await c.send();
    const body = (await res.json()) as { error?: string; error_description?: string };
    t.equal(res.status, c.status, `${res.status} ${JSON.stringify(body)}`);
    t.equal(body.error, c.error);
    t.type(body.error_description, 'string');
  });
}
