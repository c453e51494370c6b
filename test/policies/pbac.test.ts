// The default PBAC policy (policies/pbac), compiled by our Rego compiler and evaluated through the real
// policy pool with policy data set as the server sets it (data.oauth_config), on representative inputs.
import t from 'tap';
import { createPolicyPool, loadDefaultBundle, type PolicyPool } from '../../src/policy/index.js';

const oauthConfig = {
  resource_types: {
    api: { scopes: ['read', 'write'] },
    'api.orders': { parent: 'api', scopes: ['orders.cancel'], obligations: [{ type: 'audit', level: 'high' }] },
    'api.orders.refunds': { parent: 'api.orders', scopes: ['refund'], max_ttl: 300, jit_single_use: true },
    files: { scopes: ['read'] },
  },
  resource_servers: { 'orders-rs': { client_id: 'orders-rs-client', resource: 'https://orders.example' } },
  resources: {
    'order-1': { type: 'api.orders', server: 'orders-rs' },
    'order-7': { type: 'api.orders', server: 'orders-rs', owner: 'client-b' },
  },
  entitlements: {
    by_client_id: {
      'client-a': { scopes: ['read', 'write', 'orders.cancel'], resource_types: ['api'], ttl: 600, obligations: [{ type: 'log' }] },
      'client-b': { scopes: ['read'], resource_types: ['api.orders'], jit_single_use: true },
      'client-c': { ttl: 120 },
    },
    by_software_id: { 'sw-1': { scopes: ['read', 'refund'], resource_types: ['api.orders'], ttl: 900 } },
  },
  deny: { client_ids: ['client-bad'], software_ids: ['sw-bad'], ips: ['203.0.113.9'] },
  defaults: { ttl: 3600 },
};

const env = { ip: '192.0.2.1', user_agent: 'tap', time: '2026-01-01T00:00:00Z' };
const order1 = { type: 'api.orders', id: 'order-1', server: 'orders-rs', actions: ['read'] };

function tokenInput(client: Record<string, unknown>, scopes: string[], resources: unknown[], ip = env.ip): unknown {
  return { phase: 'token', scopes, resources, context: { client, grant_type: 'client_credentials', environment: { ...env, ip } } };
}

function introspectInput(client: Record<string, unknown>, token: unknown, rsContext: unknown): unknown {
  return { phase: 'introspect', token, context: { client, grant_type: 'client_credentials', environment: env, rs_context: rsContext } };
}

let pool: PolicyPool;

t.before(async () => {
  const bundle = await loadDefaultBundle();
  pool = await createPolicyPool({ bundle, workers: 1 });
  await pool.setData(oauthConfig);
});
t.teardown(() => pool?.close());

const tokenCases: { name: string; input: unknown; expect: Record<string, unknown> }[] = [
  {
    name: 'scope intersection with inherited type scopes, entitlement ttl and obligations',
    input: tokenInput({ client_id: 'client-a' }, ['read', 'orders.cancel', 'admin'], [order1]),
    expect: { allow: true, scopes: ['orders.cancel', 'read'], ttl: 600, jit_single_use: false, reason: '' },
  },
  {
    name: 'software_id entitlement, ttl capped by the resource type, single use from the type',
    input: tokenInput({ client_id: 'new', software_id: 'sw-1' }, ['refund'], [{ type: 'api.orders.refunds', id: 'r-1', server: 'orders-rs' }]),
    expect: { allow: true, scopes: ['refund'], ttl: 300, jit_single_use: true },
  },
  {
    name: 'client_id entitlement overrides the software_id one field by field',
    input: tokenInput({ client_id: 'client-c', software_id: 'sw-1' }, ['read'], [order1]),
    expect: { allow: true, scopes: ['read'], ttl: 120 },
  },
  {
    name: 'software statement claims entitle',
    input: tokenInput({ client_id: 'dcr', software_statement: { scope: 'read write', resource_types: ['api'] } }, ['write'], [{ type: 'api', id: 'x' }]),
    expect: { allow: true, scopes: ['write'], ttl: 3600 },
  },
  { name: 'deny list: client', input: tokenInput({ client_id: 'client-bad' }, ['read'], []), expect: { allow: false, reason: 'client_denied, no_entitlement' } },
  { name: 'deny list: ip', input: tokenInput({ client_id: 'client-a' }, ['read'], [], '203.0.113.9'), expect: { allow: false, reason: 'ip_denied' } },
  { name: 'no entitlement', input: tokenInput({ client_id: 'stranger' }, ['read'], []), expect: { allow: false, reason: 'no_entitlement', scopes: [] } },
  {
    name: 'resource type not entitled',
    input: tokenInput({ client_id: 'client-b' }, ['read'], [{ type: 'files', id: 'f-1' }]),
    expect: { allow: false, reason: 'resource_type_not_entitled:files' },
  },
  {
    name: 'owner rule',
    input: tokenInput({ client_id: 'client-a' }, ['read'], [{ id: 'order-7', server: 'orders-rs' }]),
    expect: { allow: false, reason: 'resource_owner_mismatch:order-7' },
  },
  {
    name: 'owner allowed',
    input: tokenInput({ client_id: 'client-b' }, ['read'], [{ id: 'order-7', server: 'orders-rs' }]),
    expect: { allow: true, jit_single_use: true },
  },
];

for (const c of tokenCases) {
  t.test(`token: ${c.name}`, async (t) => {
    const d = await pool.decide('portcullis/token', c.input);
    t.match(d.result, c.expect);
    t.equal(d.version, pool.version);
  });
}

const issued = { scopes: ['read', 'orders.cancel'], resources: [order1], client_id: 'client-a' };
const introspectCases: { name: string; input: unknown; expect: Record<string, unknown> }[] = [
  { name: 'in scope and resource', input: introspectInput({ client_id: 'client-a' }, issued, { resource: 'order-1', action: 'read' }), expect: { allow: true, reason: '' } },
  { name: 'action outside the token', input: introspectInput({ client_id: 'client-a' }, issued, { resource: 'order-1', action: 'write' }), expect: { allow: false, reason: 'action_not_in_scope' } },
  { name: 'resource outside the token', input: introspectInput({ client_id: 'client-a' }, issued, { resource: 'order-2', action: 'read' }), expect: { allow: false, reason: 'resource_not_in_token' } },
  {
    name: 'single-use obligation',
    input: introspectInput({ client_id: 'client-b' }, { ...issued, scopes: ['read'], jit_single_use: true }, { resource: 'order-1', action: 'read' }),
    expect: { allow: true, obligations: [{ type: 'audit', level: 'high' }, { type: 'single_use' }] },
  },
];

for (const c of introspectCases) {
  t.test(`introspect: ${c.name}`, async (t) => {
    const d = await pool.decide('portcullis/introspect', c.input);
    t.match(d.result, c.expect);
  });
}

t.test('an entitlement removed from policy data changes the next decision', async (t) => {
  const input = introspectInput({ client_id: 'client-a' }, issued, { resource: 'order-1', action: 'read' });
  t.equal((await pool.decide('portcullis/introspect', input)).result.allow, true);
  const { 'client-a': _removed, ...rest } = oauthConfig.entitlements.by_client_id;
  await pool.setData({ ...oauthConfig, entitlements: { ...oauthConfig.entitlements, by_client_id: rest } });
  t.teardown(() => pool.setData(oauthConfig));
  t.match((await pool.decide('portcullis/introspect', input)).result, { allow: false, reason: 'no_entitlement' });
});
