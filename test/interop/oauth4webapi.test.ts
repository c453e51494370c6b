// Interoperability with an independent, standards-strict OAuth client: oauth4webapi (panva) drives a real
// Portcullis (real nats-server, real HTTP over loopback) through its public API only — RFC 8414 discovery,
// client_credentials with client_secret_basic / client_secret_post / private_key_jwt (RFC 6749, RFC 7523,
// RFC 8707 resource), introspection (RFC 7662), revocation (RFC 7009), DPoP with and without server nonces
// (RFC 9449), error responses, and RFC 7591 registration. The library's own validations are never skipped;
// `allowInsecureRequests` only lets it speak http:// to the loopback test server.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import * as oauth from 'oauth4webapi';
import t from 'tap';
import { type Harness, provisionWorld, startHarness } from '../e2e/lib/harness.js';

const insecure = { [oauth.allowInsecureRequests]: true } as const;
const resource = 'https://orders.example';

/** The rejection of `p` (fails the test when it resolves). */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

/** processClientCredentialsResponse, with the answer's status and body in the message when the library refuses it. */
async function tokenResponse(server: oauth.AuthorizationServer, client: oauth.Client, res: Response): Promise<oauth.TokenEndpointResponse> {
  const copy = res.clone();
  try {
    return await oauth.processClientCredentialsResponse(server, client, res);
  } catch (err) {
    if (err instanceof oauth.OperationProcessingError) err.message += ` (HTTP ${copy.status} ${JSON.stringify([...copy.headers])} ${await copy.text()})`;
    throw err;
  }
}

async function discover(h: Harness): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(h.server.config.issuer);
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
}

/** A public JWK of `key` for a client's `jwks`, with a kid. */
async function publicJwk(key: CryptoKey, kid: string, alg: string): Promise<oauth.JWK> {
  const jwk = (await crypto.subtle.exportKey('jwk', key)) as oauth.JWK;
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, n: jwk.n, e: jwk.e, kid, alg, use: 'sig' } as oauth.JWK;
}

const h = await startHarness({ registrationInitialAccessToken: 'iat-interop-0123456789abcdef0123456789' });
t.teardown(() => h.stop());
const w = await provisionWorld(h);
const as = await discover(h);
const app: oauth.Client = { client_id: w.client.id };
const rsClient: oauth.Client = { client_id: w.rs.id };
const rsAuth = oauth.ClientSecretBasic(w.rs.secret);

function ccParams(scope = 'read'): URLSearchParams {
  return new URLSearchParams({ scope, resource, resource_type: 'api' });
}

async function introspect(token: string, client = rsClient, auth = rsAuth, extra?: Record<string, string>): Promise<oauth.IntrospectionResponse> {
  const res = await oauth.introspectionRequest(as, client, auth, token, { ...insecure, ...(extra ? { additionalParameters: extra } : {}) });
  return oauth.processIntrospectionResponse(as, client, res);
}

t.test('RFC 8414 discovery: the metadata validates and names every endpoint under the issuer', async (t) => {
  t.equal(as.issuer, h.server.config.issuer);
  const base = h.server.config.issuer;
  t.equal(as.token_endpoint, `${base}/token`);
  t.equal(as.introspection_endpoint, `${base}/introspect`);
  t.equal(as.revocation_endpoint, `${base}/revoke`);
  t.equal(as.registration_endpoint, `${base}/register`);
  t.ok(as.grant_types_supported?.includes('client_credentials'));
  for (const m of ['client_secret_basic', 'client_secret_post', 'private_key_jwt']) t.ok(as.token_endpoint_auth_methods_supported?.includes(m), m);
  t.ok(as.dpop_signing_alg_values_supported?.includes('ES256'));
  // A wrong expected issuer is caught by the library (the check is real).
  const res = await oauth.discoveryRequest(new URL(h.server.config.issuer), { algorithm: 'oauth2', ...insecure });
  const err = await rejection(oauth.processDiscoveryResponse(new URL('http://127.0.0.1:1/'), res));
  t.equal((err as oauth.OperationProcessingError).code, oauth.JSON_ATTRIBUTE_COMPARISON);
});

t.test('client_credentials with client_secret_basic and client_secret_post, resource and scope', async (t) => {
  for (const [name, auth] of [
    ['client_secret_basic', oauth.ClientSecretBasic(w.client.secret)],
    ['client_secret_post', oauth.ClientSecretPost(w.client.secret)],
  ] as const) {
    const res = await oauth.clientCredentialsGrantRequest(as, app, auth, ccParams('read write'), insecure);
    t.equal(res.headers.get('cache-control'), 'no-store', `${name}: Cache-Control no-store (RFC 6749 §5.1)`);
    const tok = await tokenResponse(as, app, res);
    t.equal(tok.token_type, 'bearer', name);
    t.equal(tok.scope, 'read write', name);
    t.type(tok.expires_in, 'number');
    t.equal(tok.refresh_token, undefined, `${name}: no refresh token for client_credentials (RFC 6749 §4.4.3)`);
    const intro = await introspect(tok.access_token, rsClient, rsAuth, { rs_context: JSON.stringify({ action: 'read', resource_type: 'api' }) });
    t.match(intro, { active: true, client_id: w.client.id, scope: 'read write', token_type: 'Bearer', iss: h.server.config.issuer }, name);
    t.ok(Array.isArray(intro.aud) ? intro.aud.includes(resource) : intro.aud === resource, `${name}: aud names the resource`);
    t.type(intro.exp, 'number');
    t.type(intro.iat, 'number');
  }
});

t.test('credentials that need form-urlencoding in Basic (RFC 6749 §2.3.1): client_id with ":", secret with "+ %:/"', async (t) => {
  const secret = 'p+ss w%rd:/?&=+0123456789abcdefghijklmnop';
  const created = await h.admin('POST', '/admin/clients', { client_id: 'svc:reports.v1', client_secret: secret });
  t.equal(created.status, 201, JSON.stringify(created.body));
  await h.admin('POST', '/admin/entitlements', { id: 'svc-reports', client_id: 'svc:reports.v1', scopes: ['read'], resource_types: ['api'] });
  const client: oauth.Client = { client_id: 'svc:reports.v1' };
  for (const auth of [oauth.ClientSecretBasic(secret), oauth.ClientSecretPost(secret)]) {
    const tok = await tokenResponse(as, client, await oauth.clientCredentialsGrantRequest(as, client, auth, ccParams(), insecure));
    t.equal(tok.scope, 'read');
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, tok.access_token, insecure));
    t.equal((await introspect(tok.access_token)).active, false);
  }
});

t.test('unrecognized request parameters are ignored (RFC 6749 §3.2)', async (t) => {
  const params = ccParams();
  params.set('x_vendor_extension', 'whatever');
  const tok = await tokenResponse(as, app, await oauth.clientCredentialsGrantRequest(as, app, oauth.ClientSecretBasic(w.client.secret), params, insecure));
  t.equal(tok.scope, 'read');
  const intro = await introspect(tok.access_token, rsClient, rsAuth, { x_vendor_extension: 'whatever' });
  t.equal(intro.active, true);
  await oauth.processRevocationResponse(await oauth.revocationRequest(as, app, oauth.ClientSecretBasic(w.client.secret), tok.access_token, { ...insecure, additionalParameters: { x_vendor_extension: '1' } }));
  t.equal((await introspect(tok.access_token)).active, false);
});

t.test('several resource indicators (RFC 8707 §2): one token, each resource server introspects it', async (t) => {
  const params = ccParams();
  params.append('resource', w.otherRs.resource);
  const tok = await tokenResponse(as, app, await oauth.clientCredentialsGrantRequest(as, app, oauth.ClientSecretBasic(w.client.secret), params, insecure));
  const orders = await introspect(tok.access_token);
  t.equal(orders.active, true);
  const files = await introspect(tok.access_token, { client_id: w.otherRs.id }, oauth.ClientSecretBasic(w.otherRs.secret));
  t.equal(files.active, true);
  t.same([...(Array.isArray(orders.aud) ? orders.aud : [orders.aud])].sort(), [w.otherRs.resource, resource].sort());
});

t.test('introspection active and inactive; revocation by the holder (RFC 7662, RFC 7009)', async (t) => {
  const tok = await tokenResponse(as, app, await oauth.clientCredentialsGrantRequest(as, app, oauth.ClientSecretBasic(w.client.secret), ccParams(), insecure));
  t.equal((await introspect(tok.access_token)).active, true);
  // With a token_type_hint (RFC 7662 §2.1), as the library sends it.
  t.equal((await introspect(tok.access_token, rsClient, rsAuth, { token_type_hint: 'access_token' })).active, true);

  const rev = await oauth.revocationRequest(as, app, oauth.ClientSecretPost(w.client.secret), tok.access_token, { ...insecure, additionalParameters: { token_type_hint: 'access_token' } });
  t.equal(await oauth.processRevocationResponse(rev), undefined);
  t.same(await introspect(tok.access_token), { active: false }, 'revoked: only active=false');
  t.same(await introspect('not-a-token-at-all'), { active: false }, 'unknown token');
  // Revoking an unknown or already revoked token is still 200 (RFC 7009 §2.2).
  await oauth.processRevocationResponse(await oauth.revocationRequest(as, app, oauth.ClientSecretBasic(w.client.secret), tok.access_token, insecure));
  await oauth.processRevocationResponse(await oauth.revocationRequest(as, app, oauth.ClientSecretBasic(w.client.secret), 'no-such-token', insecure));
  // A hint that does not find the token widens the search (RFC 7009 §2.1): still 200.
  await oauth.processRevocationResponse(await oauth.revocationRequest(as, app, oauth.ClientSecretBasic(w.client.secret), 'no-such-token', { ...insecure, additionalParameters: { token_type_hint: 'refresh_token' } }));
  // A token type the server does not revoke: unsupported_token_type (RFC 7009 §2.2.1), parsed by the library.
  const idToken = await rejection(oauth.processRevocationResponse(await oauth.revocationRequest(as, app, oauth.ClientSecretBasic(w.client.secret), 'x', { ...insecure, additionalParameters: { token_type_hint: 'id_token' } })));
  t.ok(idToken instanceof oauth.ResponseBodyError, String(idToken));
  t.match(idToken, { error: 'unsupported_token_type', status: 400 });
});

t.test('private_key_jwt (RFC 7523) at the token, introspection and revocation endpoints', async (t) => {
  for (const alg of ['ES256', 'PS256', 'RS256', 'Ed25519']) {
    const id = `pk-${alg.toLowerCase()}`;
    const kp = await oauth.generateKeyPair(alg, { extractable: true });
    const kid = `k-${alg}`;
    const created = await h.admin('POST', '/admin/clients', { client_id: id, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [await publicJwk(kp.publicKey, kid, alg)] } });
    t.equal(created.status, 201, JSON.stringify(created.body));
    await h.admin('POST', '/admin/entitlements', { id: `${id}-api`, client_id: id, scopes: ['read'], resource_types: ['api'] });
    const client: oauth.Client = { client_id: id };
    const auth = oauth.PrivateKeyJwt({ key: kp.privateKey, kid });
    const res = await oauth.clientCredentialsGrantRequest(as, client, auth, ccParams(), insecure);
    const tok = await oauth.processClientCredentialsResponse(as, client, res).catch((err: unknown) => {
      t.fail(`${alg}: ${(err as Error).message} ${JSON.stringify((err as oauth.ResponseBodyError).cause ?? '')}`);
      return undefined;
    });
    if (tok === undefined) continue;
    t.equal(tok.token_type, 'bearer', alg);
    t.equal(tok.scope, 'read', alg);
    // The resource server sees it active; the client revokes it with its assertion (aud = issuer, as the library sets it).
    const intro = await introspect(tok.access_token, rsClient, rsAuth);
    t.equal(intro.active, true, `${alg}: active`);
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, tok.access_token, insecure));
    t.equal((await introspect(tok.access_token)).active, false, `${alg}: revoked with private_key_jwt`);
  }
  // A resource server authenticating by private_key_jwt at introspection.
  const kp = await oauth.generateKeyPair('ES256', { extractable: true });
  await h.admin('POST', '/admin/clients', { client_id: 'pk-rs', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [await publicJwk(kp.publicKey, 'rs', 'ES256')] } });
  await h.admin('POST', '/admin/resource-servers', { id: 'pk-rs', client_id: 'pk-rs', resource: 'https://pk-rs.example' });
  const tok = await tokenResponse(as, app, await oauth.clientCredentialsGrantRequest(as, app, oauth.ClientSecretBasic(w.client.secret), new URLSearchParams({ scope: 'read', resource: 'https://pk-rs.example', resource_type: 'api' }), insecure));
  const rs: oauth.Client = { client_id: 'pk-rs' };
  const intro = await introspect(tok.access_token, rs, oauth.PrivateKeyJwt({ key: kp.privateKey, kid: 'rs' }));
  t.match(intro, { active: true, client_id: w.client.id });
});

/** A resource server on loopback that checks DPoP-bound tokens by introspection with the proof (RFC 9449 §7). */
async function startResourceServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const authz = req.headers.authorization ?? '';
      const m = /^DPoP (.+)$/.exec(authz);
      const proof = req.headers.dpop;
      if (!m?.[1] || typeof proof !== 'string') {
        res.writeHead(401, { 'WWW-Authenticate': 'DPoP algs="ES256"' }).end();
        return;
      }
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${req.url ?? '/'}`;
      const intro = await introspect(m[1], rsClient, rsAuth, { dpop_proof: proof, dpop_htm: req.method ?? 'GET', dpop_htu: url }).catch((): oauth.IntrospectionResponse => ({ active: false }));
      if (!intro.active) {
        res.writeHead(401, { 'WWW-Authenticate': 'DPoP error="invalid_token"' }).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ok: true, client_id: intro.client_id }));
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

t.test('DPoP-bound token with the library DPoP handle; cnf.jkt; the proof at a resource server (RFC 9449)', async (t) => {
  const created = await h.admin('POST', '/admin/clients', { client_id: 'dpop-app', dpop_bound_access_tokens: true });
  await h.admin('POST', '/admin/entitlements', { id: 'dpop-app-api', client_id: 'dpop-app', scopes: ['read'], resource_types: ['api'] });
  const client: oauth.Client = { client_id: 'dpop-app', dpop_bound_access_tokens: true };
  const auth = oauth.ClientSecretBasic(created.body.client_secret as string);
  for (const alg of ['ES256', 'Ed25519', 'PS256']) {
    const dpop = oauth.DPoP(client, await oauth.generateKeyPair(alg));
    const res = await oauth.clientCredentialsGrantRequest(as, client, auth, ccParams(), { ...insecure, DPoP: dpop });
    const tok = await oauth.processClientCredentialsResponse(as, client, res).catch((err: unknown) => {
      t.fail(`${alg}: ${(err as Error).message} ${JSON.stringify((err as oauth.ResponseBodyError).cause ?? '')}`);
      return undefined;
    });
    if (tok === undefined) continue;
    t.equal(tok.token_type, 'dpop', `${alg}: token_type DPoP`);
    const intro = await introspect(tok.access_token);
    t.equal(intro.active, true);
    t.equal(intro.cnf?.jkt, await dpop.calculateThumbprint(), `${alg}: cnf.jkt is the key's RFC 7638 thumbprint`);
    t.equal(intro.token_type, 'DPoP');

    // The token used at a resource server with a proof made by the library (ath included).
    const rs = await startResourceServer();
    try {
      const ok = await oauth.protectedResourceRequest(tok.access_token, 'GET', new URL(`${rs.url}/orders/1`), undefined, undefined, { ...insecure, DPoP: dpop });
      t.equal(ok.status, 200, `${alg}: the RS accepts the library's proof via Portcullis`);
      const stolen = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
      const bad = await rejection(oauth.protectedResourceRequest(tok.access_token, 'GET', new URL(`${rs.url}/orders/1`), undefined, undefined, { ...insecure, DPoP: stolen }));
      t.ok(bad instanceof oauth.WWWAuthenticateChallengeError, `${alg}: a proof by another key is refused`);
      t.equal((bad as oauth.WWWAuthenticateChallengeError).status, 401);
    } finally {
      await rs.close();
    }
  }
  // Without a proof the DPoP-bound client gets a parseable OAuth error.
  const noProof = await rejection(tokenResponse(as, client, await oauth.clientCredentialsGrantRequest(as, client, auth, ccParams(), insecure)));
  t.ok(noProof instanceof oauth.ResponseBodyError, String(noProof));
  t.equal((noProof as oauth.ResponseBodyError).error, 'invalid_dpop_proof');
  // A proof for a client not registered as DPoP-bound binds the token as well.
  const dpop = oauth.DPoP(app, await oauth.generateKeyPair('ES256'));
  const tok = await tokenResponse(as, app, await oauth.clientCredentialsGrantRequest(as, app, oauth.ClientSecretBasic(w.client.secret), ccParams(), { ...insecure, DPoP: dpop }));
  t.equal(tok.token_type, 'dpop');
});

t.test('error responses the library parses: invalid_client with WWW-Authenticate, unsupported_grant_type, invalid_scope', async (t) => {
  // Bad secret by Basic: 401 with a Basic challenge (RFC 6749 §5.2); the library surfaces the challenge and the body.
  const basic = await rejection(tokenResponse(as, app, await oauth.clientCredentialsGrantRequest(as, app, oauth.ClientSecretBasic('wrong-secret'), ccParams(), insecure)));
  t.ok(basic instanceof oauth.WWWAuthenticateChallengeError, String(basic));
  const challengeErr = basic as oauth.WWWAuthenticateChallengeError;
  t.equal(challengeErr.status, 401);
  t.equal(challengeErr.cause[0]?.scheme, 'basic', 'the challenge matches the scheme used');
  t.type(challengeErr.cause[0]?.parameters.realm, 'string');
  const body = (await challengeErr.response.json()) as { error: string };
  t.equal(body.error, 'invalid_client');
  t.equal(challengeErr.response.headers.get('cache-control'), 'no-store');

  // Bad secret in the body: still invalid_client, and still parseable.
  const post = await rejection(tokenResponse(as, app, await oauth.clientCredentialsGrantRequest(as, app, oauth.ClientSecretPost('wrong-secret'), ccParams(), insecure)));
  if (post instanceof oauth.WWWAuthenticateChallengeError) {
    t.equal(post.status, 401);
    t.equal(((await post.response.json()) as { error: string }).error, 'invalid_client');
  } else {
    t.ok(post instanceof oauth.ResponseBodyError, String(post));
    t.equal((post as oauth.ResponseBodyError).error, 'invalid_client');
  }

  // Unknown client.
  const stranger = await rejection(oauth.processClientCredentialsResponse(as, { client_id: 'nobody' }, await oauth.clientCredentialsGrantRequest(as, { client_id: 'nobody' }, oauth.ClientSecretBasic('x'), ccParams(), insecure)));
  t.ok(stranger instanceof oauth.WWWAuthenticateChallengeError);

  // No client authentication at all (oauth4webapi's None()): client_credentials needs a confidential client.
  const none = await rejection(tokenResponse(as, app, await oauth.clientCredentialsGrantRequest(as, app, oauth.None(), ccParams(), insecure)));
  if (none instanceof oauth.WWWAuthenticateChallengeError) {
    t.equal(none.status, 401);
    t.equal(((await none.response.json()) as { error: string }).error, 'invalid_client');
  } else {
    t.ok(none instanceof oauth.ResponseBodyError, String(none));
    t.equal((none as oauth.ResponseBodyError).error, 'invalid_client');
  }

  // A client that is no resource server introspecting: a parseable answer, never the token's details.
  const own = await tokenResponse(as, app, await oauth.clientCredentialsGrantRequest(as, app, oauth.ClientSecretBasic(w.client.secret), ccParams(), insecure));
  const self = await introspect(own.access_token, app, oauth.ClientSecretBasic(w.client.secret)).catch((err: unknown) => err as Error);
  if (self instanceof Error) {
    t.ok(self instanceof oauth.ResponseBodyError || self instanceof oauth.WWWAuthenticateChallengeError, String(self));
  } else {
    t.same(self, { active: false }, 'not a resource server of the token: active=false (RFC 7662 §2.2)');
  }

  // Unsupported grant type (RFC 6749 §5.2).
  const grant = await rejection(oauth.processGenericTokenEndpointResponse(as, app, await oauth.genericTokenEndpointRequest(as, app, oauth.ClientSecretBasic(w.client.secret), 'urn:example:grant:unknown', {}, insecure)));
  t.ok(grant instanceof oauth.ResponseBodyError, String(grant));
  t.match(grant, { error: 'unsupported_grant_type', status: 400 });
  t.type((grant as oauth.ResponseBodyError).error_description, 'string');

  // A scope the client may not have.
  const scope = await rejection(tokenResponse(as, app, await oauth.clientCredentialsGrantRequest(as, app, oauth.ClientSecretBasic(w.client.secret), ccParams('admin'), insecure)));
  t.ok(scope instanceof oauth.ResponseBodyError, String(scope));
  t.ok(['invalid_scope', 'access_denied'].includes((scope as oauth.ResponseBodyError).error), (scope as oauth.ResponseBodyError).error);

  // A bad resource (RFC 8707 §2: invalid_target).
  const target = await rejection(tokenResponse(as, app, await oauth.clientCredentialsGrantRequest(as, app, oauth.ClientSecretBasic(w.client.secret), new URLSearchParams({ scope: 'read', resource: 'not a uri' }), insecure)));
  t.ok(target instanceof oauth.ResponseBodyError, String(target));
  t.equal((target as oauth.ResponseBodyError).error, 'invalid_target');

  // Introspection by a client with a wrong secret.
  const intro = await rejection(introspect('whatever', rsClient, oauth.ClientSecretBasic('wrong')));
  t.ok(intro instanceof oauth.WWWAuthenticateChallengeError, String(intro));
  // Revocation by a client with a wrong secret (RFC 7009 §2.2.1: invalid_client).
  const rev = await rejection(oauth.processRevocationResponse(await oauth.revocationRequest(as, app, oauth.ClientSecretPost('wrong'), 'whatever', insecure)));
  t.ok(rev instanceof oauth.WWWAuthenticateChallengeError || (rev instanceof oauth.ResponseBodyError && rev.error === 'invalid_client'), String(rev));
});

t.test('RFC 7591 dynamic registration where policy data allows it, then a token with the issued credentials', async (t) => {
  const mustAdmin = async (method: string, path: string, body: unknown) => {
    const r = await h.admin(method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  };
  // Refused while no policy allows plain registration: a parseable OAuth error.
  const refused = await rejection(oauth.processDynamicClientRegistrationResponse(await oauth.dynamicClientRegistrationRequest(as, { client_name: 'Nope', software_id: 'sw-interop' }, insecure)));
  t.ok(refused instanceof oauth.ResponseBodyError, String(refused));
  t.equal((refused as oauth.ResponseBodyError).error, 'access_denied');

  await mustAdmin('POST', '/admin/registration-policies', { id: 'interop', allow_plain_registration: true, software_ids: ['sw-interop'] });
  await mustAdmin('POST', '/admin/entitlements', { id: 'sw-interop-api', software_id: 'sw-interop', scopes: ['read'], resource_types: ['api'] });
  const reg = await oauth.processDynamicClientRegistrationResponse(
    await oauth.dynamicClientRegistrationRequest(as, { client_name: 'Interop', software_id: 'sw-interop', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic' }, insecure),
  );
  t.type(reg.client_id, 'string');
  t.type(reg.client_secret, 'string');
  t.type(reg.client_secret_expires_at, 'number');
  t.type(reg.registration_access_token, 'string');
  t.equal(reg.token_endpoint_auth_method, 'client_secret_basic', 'the registered metadata comes back (RFC 7591 §3.2.1)');
  t.same(reg.grant_types, ['client_credentials']);
  const client: oauth.Client = { client_id: reg.client_id, token_endpoint_auth_method: reg.token_endpoint_auth_method as string };
  const tok = await tokenResponse(as, client, await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(reg.client_secret as string), ccParams(), insecure));
  t.equal(tok.scope, 'read');

  // With the initial access token, as the library sends it (Bearer).
  const withIat = await oauth.processDynamicClientRegistrationResponse(
    await oauth.dynamicClientRegistrationRequest(as, { client_name: 'Interop 2', software_id: 'sw-interop', token_endpoint_auth_method: 'client_secret_post' }, { ...insecure, initialAccessToken: 'iat-interop-0123456789abcdef0123456789' }),
  );
  const c2: oauth.Client = { client_id: withIat.client_id };
  const tok2 = await tokenResponse(as, c2, await oauth.clientCredentialsGrantRequest(as, c2, oauth.ClientSecretPost(withIat.client_secret as string), ccParams(), insecure));
  t.equal(tok2.token_type, 'bearer');

  // A private_key_jwt client registered with its JWKS, then authenticating with it.
  const kp = await oauth.generateKeyPair('ES256', { extractable: true });
  const pk = await oauth.processDynamicClientRegistrationResponse(
    await oauth.dynamicClientRegistrationRequest(as, { software_id: 'sw-interop', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [await publicJwk(kp.publicKey, 'reg', 'ES256')] } }, insecure),
  );
  t.equal(pk.client_secret, undefined);
  const c3: oauth.Client = { client_id: pk.client_id };
  const tok3 = await tokenResponse(as, c3, await oauth.clientCredentialsGrantRequest(as, c3, oauth.PrivateKeyJwt({ key: kp.privateKey, kid: 'reg' }), ccParams(), insecure));
  t.equal(tok3.scope, 'read');

  // A software statement (RFC 7591 §2.3) from a trusted issuer, signed by that issuer (jose stands in for it).
  const issuerKeys = await generateKeyPair('ES256', { extractable: true });
  await mustAdmin('POST', '/admin/software-statement-issuers', { id: 'interop-issuer', issuer: 'https://issuer.interop.test', jwks: { keys: [{ ...(await exportJWK(issuerKeys.publicKey)), kid: 'iss-1', alg: 'ES256' }] } });
  const statement = await new SignJWT({ software_id: 'sw-interop', client_name: 'Stated' })
    .setProtectedHeader({ alg: 'ES256', kid: 'iss-1' })
    .setIssuer('https://issuer.interop.test')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(issuerKeys.privateKey);
  const stated = await oauth.processDynamicClientRegistrationResponse(await oauth.dynamicClientRegistrationRequest(as, { software_statement: statement, token_endpoint_auth_method: 'client_secret_basic' }, insecure));
  t.equal(stated.software_id, 'sw-interop');
  t.equal(stated.client_name, 'Stated');
  const c4: oauth.Client = { client_id: stated.client_id };
  t.equal((await tokenResponse(as, c4, await oauth.clientCredentialsGrantRequest(as, c4, oauth.ClientSecretBasic(stated.client_secret as string), ccParams(), insecure))).scope, 'read');
  const forged = await rejection(oauth.processDynamicClientRegistrationResponse(await oauth.dynamicClientRegistrationRequest(as, { software_statement: `${statement.slice(0, -4)}AAAA` }, insecure)));
  t.match(forged, { error: 'invalid_software_statement', status: 400 });

  // Bad metadata: invalid_client_metadata, parseable (RFC 7591 §3.2.2).
  const bad = await rejection(oauth.processDynamicClientRegistrationResponse(await oauth.dynamicClientRegistrationRequest(as, { software_id: 'sw-interop', redirect_uris: ['javascript:alert(1)'] }, insecure)));
  t.ok(bad instanceof oauth.ResponseBodyError, String(bad));
  t.equal((bad as oauth.ResponseBodyError).error, 'invalid_client_metadata');
  await mustAdmin('DELETE', '/admin/registration-policies/interop', undefined);
});

/** Introspects at another server `hn` as a resource server provisioned there on first use. */
const rsAt = new WeakMap<Harness, { client: oauth.Client; auth: oauth.ClientAuth }>();
async function introspectAt(hn: Harness, server: oauth.AuthorizationServer, token: string): Promise<oauth.IntrospectionResponse> {
  let rs = rsAt.get(hn);
  if (rs === undefined) {
    const created = await hn.admin('POST', '/admin/clients', { client_id: 'nonce-rs' });
    await hn.admin('POST', '/admin/resource-servers', { id: 'nonce-rs', client_id: 'nonce-rs', resource: 'https://nonce-rs.example' });
    rs = { client: { client_id: 'nonce-rs' }, auth: oauth.ClientSecretBasic(created.body.client_secret as string) };
    rsAt.set(hn, rs);
  }
  return oauth.processIntrospectionResponse(server, rs.client, await oauth.introspectionRequest(server, rs.client, rs.auth, token, insecure));
}

t.test('DPoP server nonces (RFC 9449 §8): use_dpop_nonce, the library retries with the nonce', async (t) => {
  const hn = await startHarness({ dpopRequireNonce: true });
  t.teardown(() => hn.stop());
  const created = await hn.admin('POST', '/admin/clients', { client_id: 'nonce-app' });
  await hn.admin('POST', '/admin/resource-types', { name: 'api', scopes: ['read', 'write'] });
  await hn.admin('POST', '/admin/entitlements', { id: 'nonce-app-api', client_id: 'nonce-app', scopes: ['read'], resource_types: ['api'] });
  const asn = await discover(hn);
  const client: oauth.Client = { client_id: 'nonce-app' };
  const auth = oauth.ClientSecretBasic(created.body.client_secret as string);
  const dpop = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
  const request = () => oauth.clientCredentialsGrantRequest(asn, client, auth, new URLSearchParams({ scope: 'read', resource_type: 'api' }), { ...insecure, DPoP: dpop });

  const first = await rejection(oauth.processClientCredentialsResponse(asn, client, await request()));
  t.ok(oauth.isDPoPNonceError(first), `the first proof has no nonce: ${String(first)}`);
  t.equal((first as oauth.ResponseBodyError).status, 400);
  // The handle has cached the DPoP-Nonce header: the retry succeeds.
  const tok = await oauth.processClientCredentialsResponse(asn, client, await request());
  t.equal(tok.token_type, 'dpop');
  // And the next request too, with the nonce the success response carried.
  const again = await oauth.processClientCredentialsResponse(asn, client, await request());
  t.equal(again.token_type, 'dpop');
  t.equal((await introspectAt(hn, asn, again.access_token)).cnf?.jkt, await dpop.calculateThumbprint());

  // A nonce the server did not issue (or one long rotated out): use_dpop_nonce again, then the retry works.
  let tamper = true;
  const stale = oauth.DPoP(client, await oauth.generateKeyPair('ES256'), {
    [oauth.modifyAssertion]: (_header, payload) => {
      if (tamper) payload.nonce = 'A'.repeat(32);
    },
  });
  const staleRequest = () => oauth.clientCredentialsGrantRequest(asn, client, auth, new URLSearchParams({ scope: 'read', resource_type: 'api' }), { ...insecure, DPoP: stale });
  const refused = await rejection(oauth.processClientCredentialsResponse(asn, client, await staleRequest()));
  t.ok(oauth.isDPoPNonceError(refused), String(refused));
  tamper = false;
  t.equal((await oauth.processClientCredentialsResponse(asn, client, await staleRequest())).token_type, 'dpop');

  // private_key_jwt and DPoP with nonces together: the refused first attempt does not spend anything the retry needs.
  const kp = await oauth.generateKeyPair('ES256', { extractable: true });
  await hn.admin('POST', '/admin/clients', { client_id: 'nonce-pk', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [await publicJwk(kp.publicKey, 'n', 'ES256')] } });
  await hn.admin('POST', '/admin/entitlements', { id: 'nonce-pk-api', client_id: 'nonce-pk', scopes: ['read'], resource_types: ['api'] });
  const pkClient: oauth.Client = { client_id: 'nonce-pk' };
  const pkDpop = oauth.DPoP(pkClient, await oauth.generateKeyPair('ES256'));
  const pkRequest = () => oauth.clientCredentialsGrantRequest(asn, pkClient, oauth.PrivateKeyJwt({ key: kp.privateKey, kid: 'n' }), new URLSearchParams({ scope: 'read', resource_type: 'api' }), { ...insecure, DPoP: pkDpop });
  t.ok(oauth.isDPoPNonceError(await rejection(oauth.processClientCredentialsResponse(asn, pkClient, await pkRequest()))));
  t.equal((await oauth.processClientCredentialsResponse(asn, pkClient, await pkRequest())).token_type, 'dpop');
});
