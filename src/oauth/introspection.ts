// Token introspection (RFC 7662): which resource server may learn about a token, the policy input
// of the introspection phase, and the response.
import { EncodedInput } from '../policy/encoded-input.js';
import { OAuthError } from './errors.js';
import { type Params, required, single } from './params.js';
import type { ResourceServer } from './pbac.js';
import type { Decision, Environment, PolicyContext, PolicyInput } from './policy-input.js';
import { formatScope, intersectScopes } from './scope.js';
import { type TokenRecord, recordInput } from './token-record.js';

export interface IntrospectionRequest {
  token: string;
  rsContext: Record<string, unknown>;
}

/**
 * Reads `token` and the RS transaction context (`rs_context`, a JSON object). `token_type_hint` is only a
 * hint (RFC 7662 §2.1: a server that cannot find the token by it searches all its token types, and the
 * RFC has no error for a hint): any value is accepted, once, and the search covers our one token type.
 */
export function readIntrospectionRequest(params: Params, jsonContext: unknown): IntrospectionRequest {
  const token = required(params, 'token');
  single(params, 'token_type_hint');
  let rsContext: Record<string, unknown> = {};
  const raw = jsonContext ?? single(params, 'rs_context');
  if (raw !== undefined) {
    let v = raw;
    if (typeof raw === 'string') {
      try {
        v = JSON.parse(raw);
      } catch {
        throw new OAuthError('invalid_request', 'rs_context must be a JSON object');
      }
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new OAuthError('invalid_request', 'rs_context must be a JSON object');
    rsContext = v as Record<string, unknown>;
  }
  return { token, rsContext };
}

/**
 * The resource server the caller speaks for, if the token is bound to it: a token with audiences may
 * be introspected only by a resource server behind one of them; a token without audiences by any
 * resource server. Returns null when the caller may not learn about the token (answer `active: false`).
 */
export function bindingFor(record: TokenRecord, callerServers: readonly ResourceServer[]): ResourceServer | null {
  if (callerServers.length === 0) return null;
  if (record.aud.length === 0) return callerServers[0] ?? null;
  return callerServers.find((rs) => record.aud.includes(rs.resource)) ?? null;
}

export function buildIntrospectInput(record: TokenRecord, rs: ResourceServer, rsContext: Record<string, unknown>, environment: Environment): PolicyInput {
  return {
    resources: record.resources,
    scopes: record.scope,
    subject: null,
    context: {
      ...recordInput(record).context,
      phase: 'introspect',
      environment,
      rs_context: rsContext,
      resource_server: { id: rs.id, client_id: rs.client_id, resource: rs.resource },
      token: tokenFacts(record),
    },
  };
}

/** What policy learns of the token itself at introspection (`input.context.token`). */
function tokenFacts(record: TokenRecord): NonNullable<PolicyContext['token']> {
  return {
    scopes: record.scope,
    resources: record.resources,
    jit_single_use: record.jit_single_use,
    iat: record.iat,
    exp: record.exp,
    decision_id: record.decision_id,
    obligations: record.decision.obligations,
  };
}

/** The JSON of a token's introspection input that never changes: all but the request's own parts. */
interface TokenInputParts {
  /** `{"resources":…,"scopes":…,"subject":null,"context":{<issuance context>,"phase":"introspect","environment":` */
  head: string;
  /** `,"token":{…}}}` */
  tail: string;
  clientId: string | null;
}

// Records are replaced, never changed in place (revoke and consume write new objects), so a record's
// parts stay true for as long as the record lives; they go with it.
const tokenParts = new WeakMap<TokenRecord, TokenInputParts>();
const serverJson = new WeakMap<ResourceServer, string>();

/** Keys buildIntrospectInput sets itself over the issuance context. */
const introspectKeys = new Set(['phase', 'environment', 'rs_context', 'resource_server', 'token']);

function partsOf(record: TokenRecord): TokenInputParts {
  let p = tokenParts.get(record);
  if (p !== undefined) return p;
  const issued: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(recordInput(record).context)) if (!introspectKeys.has(k)) issued[k] = v;
  const issuedJson = JSON.stringify(issued);
  p = {
    head: `{"resources":${JSON.stringify(record.resources)},"scopes":${JSON.stringify(record.scope)},"subject":null,"context":{${issuedJson.length > 2 ? `${issuedJson.slice(1, -1)},` : ''}"phase":"introspect","environment":`,
    tail: `,"token":${JSON.stringify(tokenFacts(record))}}}`,
    clientId: record.client_id,
  };
  tokenParts.set(record, p);
  return p;
}

function resourceServerJson(rs: ResourceServer): string {
  let j = serverJson.get(rs);
  if (j === undefined) {
    j = JSON.stringify({ id: rs.id, client_id: rs.client_id, resource: rs.resource });
    serverJson.set(rs, j);
  }
  return j;
}

/**
 * buildIntrospectInput's value as JSON text, made from the token's parts encoded once per record and the
 * request's own parts (environment, rs_context, resource server): what policy sees is the same input.
 */
export function encodeIntrospectInput(record: TokenRecord, rs: ResourceServer, rsContext: Record<string, unknown>, environment: Environment): EncodedInput {
  const p = partsOf(record);
  const json = `${p.head}${JSON.stringify(environment)},"rs_context":${JSON.stringify(rsContext)},"resource_server":${resourceServerJson(rs)}${p.tail}`;
  return new EncodedInput(json, environment.request_id ?? null, p.clientId);
}

export interface ActiveIntrospection {
  active: true;
  scope: string;
  client_id: string;
  token_type: 'Bearer' | 'DPoP';
  /** RFC 9449 §6.2: the key a DPoP-bound token is bound to. */
  cnf?: { jkt: string };
  exp: number;
  iat: number;
  iss: string;
  aud: string[];
  obligations: Decision['obligations'];
  decision_id: string;
  token_decision_id: string;
  /** The bundle version deciding this introspection. */
  policy_version: string;
  /** The bundle version that decided at issuance (the token record's). */
  token_policy_version: string;
  jit_single_use?: true;
}

/** `denied_reason` is internal (set when policy denied; read by forward-auth, never sent by /introspect). */
export type IntrospectionResponse = ActiveIntrospection | { active: false; denied_reason?: string };

export const inactive: IntrospectionResponse = Object.freeze({ active: false as const });

export function activeResponse(record: TokenRecord, decision: Decision, decisionId: string, version: string, issuer: string): ActiveIntrospection {
  // The introspection decision may narrow the scopes for this request, never widen them.
  const scopes = decision.scopes.length > 0 ? intersectScopes(record.scope, decision.scopes) : record.scope;
  const res: ActiveIntrospection = {
    active: true,
    scope: formatScope(scopes),
    client_id: record.client_id,
    token_type: record.token_type,
    exp: record.exp,
    iat: record.iat,
    iss: issuer,
    aud: record.aud,
    obligations: mergeObligations(record.decision.obligations, decision.obligations),
    decision_id: decisionId,
    token_decision_id: record.decision_id,
    policy_version: version,
    token_policy_version: record.policy_version,
  };
  if (record.cnf !== undefined) res.cnf = { jkt: record.cnf.jkt };
  if (record.jit_single_use) res.jit_single_use = true;
  return res;
}

function mergeObligations(issued: Decision['obligations'], now: Decision['obligations']): Decision['obligations'] {
  if (Array.isArray(now)) return now.length > 0 ? now : issued;
  if (Array.isArray(issued)) return Object.keys(now).length > 0 ? now : issued;
  return { ...issued, ...now };
}
