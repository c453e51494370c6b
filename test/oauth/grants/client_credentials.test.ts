// The client credentials grant: policy input, denial, scope fence, lifetime bounds.
import t from 'tap';
import { type ClientRecord, type Decided, type Decision, type GrantContext, OAuthError, type PolicyInput, grants } from '../../../src/oauth/index.js';

const grant = grants.get('client_credentials');
const client: ClientRecord = { client_id: 'app', client_secret_hash: '', client_type: 'confidential', grant_types: ['client_credentials'], software_id: 'sw', created_at: 0, updated_at: 0 };
const env = { ip: '10.0.0.1', user_agent: 'ua', time: '2026-01-01T00:00:00.000Z', time_unix: 1767225600 };

function ctx(decision: Partial<Decision>, form: Record<string, string[]>, seen: { input?: PolicyInput; minted?: [string[], number] }): GrantContext {
  return {
    client,
    params: new Map(Object.entries(form)),
    environment: env,
    isKnownIndicator: () => false,
    resolveResources: (indicators, types) => indicators.map((i) => ({ type: types[0] ?? null, id: null, server: 'rs', indicator: i, actions: [] })),
    async decide(input): Promise<Decided> {
      seen.input = input;
      return { decision: { allow: true, scopes: [], ttl: 0, jit_single_use: false, obligations: [], reason: '', ...decision }, decisionId: 'd1', version: 'v1' };
    },
    async mint(_input, _decided, scopes, ttl) {
      seen.minted = [scopes, ttl];
      return 'tok';
    },
    defaultTtl: 3600,
    maxTtl: 7200,
  };
}

t.test('policy input and answer', async (t) => {
  t.ok(grant);
  const seen: { input?: PolicyInput; minted?: [string[], number] } = {};
  const res = await grant?.handler(ctx({ scopes: ['read', 'admin'], ttl: 600 }, { scope: ['read write'], resource: ['https://rs.example'], resource_type: ['api'] }, seen));
  t.same(res, { access_token: 'tok', token_type: 'Bearer', expires_in: 600, scope: 'read' }, 'granted scopes never exceed the requested ones');
  t.match(seen.input, {
    resources: [{ type: 'api', server: 'rs', indicator: 'https://rs.example' }],
    scopes: ['read', 'write'],
    context: { phase: 'token', grant_type: 'client_credentials', client: { client_id: 'app', software_id: 'sw' }, environment: env },
  });
});

t.test('lifetime: default when policy names none, capped by the maximum', async (t) => {
  const seen: { minted?: [string[], number] } = {};
  t.equal((await grant?.handler(ctx({ scopes: ['read'] }, {}, seen)))?.expires_in, 3600);
  t.equal((await grant?.handler(ctx({ scopes: ['read'], ttl: 99_999 }, {}, seen)))?.expires_in, 7200);
});

t.test('denial and refusal', async (t) => {
  const denied = await grant?.handler(ctx({ allow: false, reason: 'no entitlement' }, {}, {})).catch((e: unknown) => e);
  t.ok(denied instanceof OAuthError);
  t.match((denied as OAuthError).toJSON(), { error: 'access_denied', error_description: /no entitlement/ });
  const c = ctx({}, {}, {});
  c.client = { ...client, grant_types: ['authorization_code'] };
  const refused = await grant?.handler(c).catch((e: unknown) => e);
  t.equal((refused as OAuthError).error, 'unauthorized_client');
});
