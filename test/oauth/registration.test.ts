// Dynamic client registration (RFC 7591/7592) with real jose keys: metadata validation and defaults,
// software statements from trusted issuers (inline jwks and jwks_uri over loopback HTTP) and every way one
// is refused, merging with request metadata, registration access tokens and the information response.
import t from 'tap';
import { BoundedFetcher, JwksCache } from '../../src/oauth/fetch/index.js';
import {
  applySoftwareStatement,
  clientInformationResponse,
  issueRegistrationAccessToken,
  readClientUpdate,
  readRegistrationAccessToken,
  readRegistrationRequest,
  registrationAccessTokenMatches,
  registrationClientUri,
  validateClientMetadata,
} from '../../src/oauth/registration/index.js';
import { hashSecret } from '../../src/oauth/secrets.js';
import { json, makeKey, softwareStatement, startLoopbackServer } from '../helpers/oauth-keys.js';
import { code } from '../helpers/oauth-outcome.js';

const srv = await startLoopbackServer();
t.teardown(() => srv.close());
const issuerKey = await makeKey('ES256');
const remoteIssuerKey = await makeKey('RS256');
const strangerKey = await makeKey('ES256', issuerKey.kid);
const clientKey = await makeKey('ES256');
srv.route('/issuer-jwks', json({ keys: [remoteIssuerKey.publicJwk] }));
const trustedIssuers = {
  'https://directory.example': { jwks: { keys: [issuerKey.publicJwk] } },
  'https://remote-directory.example': { jwks_uri: `${srv.origin}/issuer-jwks` },
};
const keys = new JwksCache(new BoundedFetcher({ allowHttp: true, allowlist: ['127.0.0.1'] }));
const regOpts = { statements: { trustedIssuers, keys } };
const now = () => Math.floor(Date.now() / 1000);

t.test('metadata: defaults, normalisation, unknown fields dropped', async (t) => {
  const m = validateClientMetadata({ client_name: 'svc', unknown_thing: 1, grant_types: ['client_credentials', 'client_credentials'] });
  t.same(m, { token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], response_types: [], client_type: 'confidential', client_name: 'svc' });
  const web = validateClientMetadata({
    grant_types: ['authorization_code', 'refresh_token'],
    redirect_uris: ['https://app.example/cb', 'http://127.0.0.1:8123/cb', 'com.example.app:/cb'],
    token_endpoint_auth_method: 'none',
    dpop_bound_access_tokens: true,
  });
  t.equal(web.client_type, 'public');
  t.same(web.response_types, ['code']);
  t.equal(web.dpop_bound_access_tokens, true);
  const pkjwt = validateClientMetadata({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [clientKey.publicJwk] }, token_endpoint_auth_signing_alg: 'ES256' });
  t.equal(pkjwt.jwks?.keys.length, 1);
});

t.test('plain registration (no statement) returns validated metadata', async (t) => {
  const r = await readRegistrationRequest({ client_name: 'agent', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://agent.example/jwks' }, regOpts);
  t.equal(r.softwareStatement, undefined);
  t.equal(r.metadata.jwks_uri, 'https://agent.example/jwks');
  t.match(await code(readRegistrationRequest({ client_name: 'x' }, { ...regOpts, requireSoftwareStatement: true })), /^invalid_software_statement: a software_statement is required/);
});

t.test('a statement from a trusted issuer: verified, merged, its claims returned', async (t) => {
  const ss = await softwareStatement(issuerKey, {
    iss: 'https://directory.example',
    iat: now(),
    exp: now() + 3600,
    software_id: 'weather-agent',
    software_version: '2.1',
    client_name: 'Weather Agent',
    grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'private_key_jwt',
    software_roles: ['forecaster'],
  });
  const r = await readRegistrationRequest({ software_statement: ss, jwks: { keys: [clientKey.publicJwk] }, client_name: 'Weather Agent' }, regOpts);
  t.equal(r.metadata.software_id, 'weather-agent');
  t.equal(r.metadata.token_endpoint_auth_method, 'private_key_jwt');
  t.same(r.softwareStatement?.software_roles, ['forecaster'], 'all claims reach policy');
  t.equal(r.softwareStatement?.iss, 'https://directory.example');

  const remote = await softwareStatement(remoteIssuerKey, { iss: 'https://remote-directory.example', software_id: 'sensor', token_endpoint_auth_method: 'client_secret_basic' });
  const r2 = await readRegistrationRequest({ software_statement: remote }, regOpts);
  t.equal(r2.metadata.software_id, 'sensor', 'issuer keys by jwks_uri');
  t.equal(srv.hits.get('/issuer-jwks'), 1);
});

t.test('statements refused: untrusted issuer, bad signature, expired, not yet valid, contradicted', async (t) => {
  const base = { iss: 'https://directory.example', software_id: 's1', iat: now() };
  t.match(await code(readRegistrationRequest({ software_statement: await softwareStatement(issuerKey, { ...base, iss: 'https://evil.example' }) }, regOpts)), /^unapproved_software_statement: /);
  t.match(await code(readRegistrationRequest({ software_statement: await softwareStatement(strangerKey, base) }, regOpts)), /^invalid_software_statement: software_statement signature does not verify/);
  t.match(await code(readRegistrationRequest({ software_statement: await softwareStatement(issuerKey, { ...base, exp: now() - 3600 }) }, regOpts)), /^invalid_software_statement: software_statement has expired/);
  t.match(await code(readRegistrationRequest({ software_statement: await softwareStatement(issuerKey, { ...base, iat: now() + 3600 }) }, regOpts)), /^invalid_software_statement: .*iat/);
  t.match(await code(readRegistrationRequest({ software_statement: await softwareStatement(issuerKey, { ...base, nbf: now() + 3600 }) }, regOpts)), /^invalid_software_statement: .*nbf/);
  t.match(await code(readRegistrationRequest({ software_statement: await softwareStatement(issuerKey, base), software_id: 'other' }, regOpts)), /^invalid_software_statement: software_id in the request contradicts/);
  t.match(
    await code(readRegistrationRequest({ software_statement: await softwareStatement(issuerKey, { ...base, grant_types: ['client_credentials'] }), grant_types: ['client_credentials', 'refresh_token'] }, regOpts)),
    /^invalid_software_statement: grant_types in the request goes beyond/,
  );
  const old = { ...regOpts, statements: { ...regOpts.statements, maxAgeSec: 60 } };
  t.match(await code(readRegistrationRequest({ software_statement: await softwareStatement(issuerKey, { ...base, iat: now() - 120 }) }, old)), /older than 60 seconds/);
});

t.test('a request may narrow a list the statement allows', async (t) => {
  const merged = applySoftwareStatement(
    { redirect_uris: ['https://a.example/cb'], client_name: 'A' },
    { iss: 'x', redirect_uris: ['https://a.example/cb', 'https://b.example/cb'], client_name: 'A', software_id: 'sw' },
  );
  t.same(merged, { redirect_uris: ['https://a.example/cb'], client_name: 'A', software_id: 'sw' });
});

t.test('registration access token: 256 bits, stored as SHA-256, constant-time match', async (t) => {
  const { token, hash } = issueRegistrationAccessToken();
  t.equal(Buffer.from(token, 'base64url').length, 32);
  t.equal(hash, hashSecret(token));
  t.ok(registrationAccessTokenMatches(token, hash));
  t.notOk(registrationAccessTokenMatches(`${token}x`, hash));
  t.notOk(registrationAccessTokenMatches(token, undefined));
  t.notSame(issueRegistrationAccessToken().token, token);
  t.equal(readRegistrationAccessToken(`Bearer ${token}`), token);
  t.match(await code(() => readRegistrationAccessToken('Basic abc')), /^invalid_token/);
  t.match(await code(() => readRegistrationAccessToken(undefined)), /^invalid_token/);
});

t.test('registration_client_uri and the client information response', async (t) => {
  t.equal(registrationClientUri('https://as.example/', 'https://app.example/c 1'), 'https://as.example/register/https%3A%2F%2Fapp.example%2Fc%201');
  const metadata = validateClientMetadata({ client_name: 'svc' });
  const body = clientInformationResponse({ clientId: 'c1', issuedAt: 1700000000, metadata, clientSecret: 's3cr3t', registrationAccessToken: 'rat', registrationClientUri: 'https://as.example/register/c1' });
  t.same(body, {
    client_id: 'c1',
    client_id_issued_at: 1700000000,
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['client_credentials'],
    response_types: [],
    client_name: 'svc',
    client_secret: 's3cr3t',
    client_secret_expires_at: 0,
    registration_access_token: 'rat',
    registration_client_uri: 'https://as.example/register/c1',
  });
});

t.test('RFC 7592 update: client_id must match, server-assigned fields refused', async (t) => {
  t.equal(readClientUpdate({ client_id: 'c1', client_name: 'new' }, 'c1').client_name, 'new');
  t.match(await code(() => readClientUpdate({ client_id: 'c2' }, 'c1')), /^invalid_request: client_id/);
  t.match(await code(() => readClientUpdate({ client_id: 'c1', registration_access_token: 'x' }, 'c1')), /^invalid_request: registration_access_token/);
  t.match(await code(() => readClientUpdate({ client_id: 'c1', grant_types: ['password'] }, 'c1')), /^invalid_client_metadata: grant_types/);
});
