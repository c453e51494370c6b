// client_secret_basic and client_secret_post: parsing, one method per request, verification.
import t from 'tap';
import { type ClientRecord, OAuthError, authenticateClient, hashSecret, readClientCredentials } from '../../src/oauth/index.js';

const p = (o: Record<string, string>) => new Map(Object.entries(o).map(([k, v]) => [k, [v]]));
const b64 = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof OAuthError ? `${e.status} ${e.error}` : String(e);
  }
  return 'ok';
};

t.test('reading credentials', async (t) => {
  t.same(readClientCredentials(b64('app:pw'), p({})), { clientId: 'app', secret: 'pw', method: 'client_secret_basic' });
  t.same(readClientCredentials(b64('a%3Ab:p%20w+x'), p({})), { clientId: 'a:b', secret: 'p w x', method: 'client_secret_basic' }, 'form-decoded per RFC 6749 §2.3.1');
  t.same(readClientCredentials(undefined, p({ client_id: 'app', client_secret: 'pw' })), { clientId: 'app', secret: 'pw', method: 'client_secret_post' });
  t.equal(code(() => readClientCredentials(b64('app:pw'), p({ client_secret: 'pw' }))), '400 invalid_request', 'two methods');
  t.equal(code(() => readClientCredentials(b64('app:pw'), p({ client_id: 'other' }))), '400 invalid_request', 'client_id mismatch');
  t.equal(code(() => readClientCredentials('Bearer abc', p({}))), '401 invalid_client');
  t.equal(code(() => readClientCredentials('Basic !!!', p({}))), '400 invalid_request');
  t.equal(code(() => readClientCredentials(b64('nocolon'), p({}))), '400 invalid_request');
  t.equal(code(() => readClientCredentials(b64('%zz:pw'), p({}))), '400 invalid_request');
  t.equal(code(() => readClientCredentials(undefined, p({}))), '401 invalid_client');
  t.equal(code(() => readClientCredentials(undefined, p({ client_id: 'app' }))), '401 invalid_client');
});

t.test('verification', async (t) => {
  const rec: ClientRecord = { client_id: 'app', client_secret_hash: hashSecret('pw'), client_type: 'confidential', grant_types: ['client_credentials'], created_at: 0, updated_at: 0 };
  t.equal(authenticateClient(rec, { clientId: 'app', secret: 'pw', method: 'client_secret_post' }), rec);
  t.equal(code(() => authenticateClient(rec, { clientId: 'app', secret: 'nope', method: 'client_secret_post' })), '401 invalid_client');
  t.equal(code(() => authenticateClient(null, { clientId: 'x', secret: 'pw', method: 'client_secret_post' })), '401 invalid_client');
  t.equal(code(() => authenticateClient({ ...rec, disabled: true }, { clientId: 'app', secret: 'pw', method: 'client_secret_post' })), '401 invalid_client');
  const basicOnly = { ...rec, token_endpoint_auth_method: 'client_secret_basic' as const };
  t.equal(code(() => authenticateClient(basicOnly, { clientId: 'app', secret: 'pw', method: 'client_secret_post' })), '401 invalid_client');
});
