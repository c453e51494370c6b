// Introspection: request parsing, resource-server binding, states, the response.
import t from 'tap';
import {
  type Decision,
  OAuthError,
  type TokenRecord,
  activeResponse,
  bindingFor,
  buildIntrospectInput,
  encodeIntrospectInput,
  readIntrospectionRequest,
  readRevocationRequest,
  recordInput,
  tokenRecordCodec,
  tokenState,
} from '../../src/oauth/index.js';

const decision: Decision = { allow: true, scopes: ['read', 'write'], ttl: 60, jit_single_use: false, obligations: [{ type: 'audit' }], reason: '' };
const record = (over: Partial<TokenRecord> = {}): TokenRecord => ({
  client_id: 'app',
  token_type: 'Bearer',
  iat: 100,
  exp: 200,
  scope: ['read', 'write'],
  aud: ['https://rs.example'],
  servers: ['rs'],
  resources: [],
  jit_single_use: false,
  decision_id: 'd0',
  policy_version: 'v1',
  input: { resources: [], scopes: [], subject: null, context: { phase: 'token', grant_type: 'client_credentials', client: { client_id: 'app', client_type: 'confidential', software_id: null, software_statement: {}, metadata: {}, scope: null }, environment: { ip: '', user_agent: '', time: '', time_unix: 0 } } },
  decision,
  ...over,
});
const rs = { id: 'rs', client_id: 'rs-client', resource: 'https://rs.example' };
const other = { id: 'other', client_id: 'o', resource: 'https://other.example' };

t.test('states', async (t) => {
  t.equal(tokenState(record(), 150), 'active');
  t.equal(tokenState(record(), 200), 'expired');
  t.equal(tokenState(record({ revoked_at: 1 }), 150), 'revoked');
  t.equal(tokenState(record({ consumed_at: 1 }), 150), 'consumed');
});

t.test('binding', async (t) => {
  t.equal(bindingFor(record(), [other, rs]), rs);
  t.equal(bindingFor(record(), [other]), null);
  t.equal(bindingFor(record(), []), null);
  t.equal(bindingFor(record({ aud: [] }), [other]), other, 'a token without audience: any resource server');
});

t.test('response narrows scopes, merges obligations', async (t) => {
  const r = activeResponse(record(), { ...decision, scopes: ['read'], obligations: [] }, 'd1', 'v2', 'https://as.example');
  t.match(r, { active: true, scope: 'read', client_id: 'app', exp: 200, iat: 100, aud: ['https://rs.example'], obligations: [{ type: 'audit' }], decision_id: 'd1', token_decision_id: 'd0', policy_version: 'v2', iss: 'https://as.example' });
});

t.test('request parsing', async (t) => {
  const p = (o: Record<string, string>) => new Map(Object.entries(o).map(([k, v]) => [k, [v]]));
  t.same(readIntrospectionRequest(p({ token: 'x', rs_context: '{"action":"read"}' }), undefined), { token: 'x', rsContext: { action: 'read' } });
  t.same(readIntrospectionRequest(p({ token: 'x' }), { action: 'write' }), { token: 'x', rsContext: { action: 'write' } });
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
      return 'ok';
    } catch (e) {
      return (e as OAuthError).error;
    }
  };
  t.equal(codeOf(() => readIntrospectionRequest(p({}), undefined)), 'invalid_request');
  t.equal(codeOf(() => readIntrospectionRequest(p({ token: 'x', rs_context: '[1]' }), undefined)), 'invalid_request');
  t.equal(codeOf(() => readIntrospectionRequest(p({ token: 'x', rs_context: '{' }), undefined)), 'invalid_request');
  t.equal(codeOf(() => readIntrospectionRequest(p({ token: 'x', token_type_hint: 'id_token' }), undefined)), 'ok', 'an unknown hint widens the search (RFC 7662 §2.1)');
  t.equal(codeOf(() => readIntrospectionRequest(new Map([['token', ['x']], ['token_type_hint', ['access_token', 'refresh_token']]]), undefined)), 'invalid_request', 'but is given once');
  t.equal(codeOf(() => readRevocationRequest(p({ token: 'x', token_type_hint: 'refresh_token' }))), 'ok');
  t.ok(new OAuthError('invalid_request', 'x'));
});

t.test('the encoded introspection input is the same input as the built one', async (t) => {
  const env = { ip: '10.0.0.1', user_agent: 'ua "quoted"', time: '2026-01-01T00:00:00Z', time_unix: 150, request_id: 'r-1' };
  const cases: [string, TokenRecord, Record<string, unknown>][] = [
    ['plain', record(), {}],
    ['with rs_context and single use', record({ jit_single_use: true, resources: [{ type: 'api', id: 'x', server: 'rs', indicator: 'https://rs.example', actions: ['read'] }] }), { action: 'read', path: '/a\u2028b', n: [1, 2] }],
    ['empty issuance context', record({ input: { resources: [], scopes: [], subject: null, context: {} as never } }), { k: null }],
    ['object obligations', record({ decision: { ...decision, obligations: { mfa: true } as never } }), {}],
  ];
  for (const [name, r, ctx] of cases) {
    const enc = encodeIntrospectInput(r, rs, ctx, env);
    t.same(JSON.parse(enc.json), JSON.parse(JSON.stringify(buildIntrospectInput(r, rs, ctx, env))), name);
    t.equal(enc.requestId, 'r-1', `${name}: request id`);
    t.equal(enc.clientId, 'app', `${name}: client id`);
    t.same(JSON.parse(encodeIntrospectInput(r, other, { again: 1 }, { ...env, request_id: undefined as never }).json).context.resource_server, other, `${name}: parts reused with another server`);
  }
});

t.test('token records read back from their stored form as they were written', async (t) => {
  const r = record();
  const withJson = { ...r, input_json: JSON.stringify(r.input) };
  const { input: _input, ...withoutValue } = withJson;
  const back = tokenRecordCodec.decode(tokenRecordCodec.encode(withJson));
  t.same(back, withoutValue, 'stored once, as its JSON text');
  t.same(recordInput(back), r.input, 'and read back as the same input');
  t.same(JSON.parse(encodeIntrospectInput(back, rs, {}, { ip: '', user_agent: '', time: '', time_unix: 1 }).json), JSON.parse(JSON.stringify(buildIntrospectInput(r, rs, {}, { ip: '', user_agent: '', time: '', time_unix: 1 }))), 'a record with only the text introspects the same');
  t.same(tokenRecordCodec.decode(tokenRecordCodec.encode(r)), r, 'a record without input_json is stored whole');
  const stored = tokenRecordCodec.encode(withJson);
  t.ok(stored.byteLength < tokenRecordCodec.encode({ ...withJson, input_json: undefined as never }).byteLength + withJson.input_json.length, 'the input is stored once, as text');
});
