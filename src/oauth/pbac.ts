// The PBAC model the admin API manages and policy reads as data.oauth_config: resource types (with
// parent types), resource servers (each linked to a client record, with its RFC 8707 resource
// indicator), resources, entitlements (by client_id or software_id) and deny lists.
import { OAuthError } from './errors.js';

export interface ResourceType {
  name: string;
  /** Parent type whose scopes and obligations this type inherits. */
  parent?: string;
  scopes: string[];
  obligations?: Record<string, unknown>[];
  /** Longest token lifetime (s) for a request naming this type. */
  max_ttl?: number;
  jit_single_use?: boolean;
  description?: string;
}

export interface ResourceServer {
  id: string;
  /** The client this resource server authenticates as at introspection. */
  client_id: string;
  /** Its resource indicator (RFC 8707): the absolute URI clients name in `resource`. */
  resource: string;
  name?: string;
}

export interface Resource {
  id: string;
  type: string;
  server: string;
  owner?: string;
  attributes?: Record<string, unknown>;
}

/** What a client (by client_id) or every client of a software (by software_id) is entitled to. */
export interface Entitlement {
  id: string;
  client_id?: string;
  software_id?: string;
  scopes?: string[];
  /** Resource types covered ("*" = all); a type covers its descendants. */
  resource_types?: string[];
  grant_types?: string[];
  /** Token lifetime, seconds. */
  ttl?: number;
  jit_single_use?: boolean;
  obligations?: Record<string, unknown>[];
}

export interface DenyList {
  id: string;
  client_ids?: string[];
  software_ids?: string[];
  ips?: string[];
  reason?: string;
}

/**
 * A software-statement issuer policy trusts (RFC 7591 §2.3): statements whose `iss` is `issuer` are
 * verified with these keys. Becomes data.oauth_config.software_statement_issuers[issuer].
 */
export interface SoftwareStatementIssuer {
  id: string;
  issuer: string;
  jwks?: Record<string, unknown>;
  jwks_uri?: string;
}

/**
 * Public-client policy data: when and how clients may register without a software statement
 * (data.oauth_config.registration_policies[id]; policies/pbac/register.rego reads it).
 */
export interface RegistrationPolicy {
  id: string;
  /** Plain registration (no statement) is allowed under this record. */
  allow_plain_registration: boolean;
  /** Auth methods a plainly registered client may use (default: any). */
  token_endpoint_auth_methods?: string[];
  /** Only these software_ids (default: any). */
  software_ids?: string[];
  /** Only with a valid initial access token (config `registrationInitialAccessToken`). */
  require_initial_access_token?: boolean;
  /** Client metadata imposed on clients registered under this record (e.g. dpop_bound_access_tokens). */
  restrictions?: Record<string, unknown>;
}

/** Collections of policy data, each a KV key prefix and an admin route. */
export const pbacCollections = ['resource_types', 'resource_servers', 'resources', 'entitlements', 'deny', 'software_statement_issuers', 'registration_policies'] as const;
export type PbacCollection = (typeof pbacCollections)[number];

export interface PbacRecordOf {
  resource_types: ResourceType;
  resource_servers: ResourceServer;
  resources: Resource;
  entitlements: Entitlement;
  deny: DenyList;
  software_statement_issuers: SoftwareStatementIssuer;
  registration_policies: RegistrationPolicy;
}

const idPattern = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,126}[A-Za-z0-9_-])?$/;

type Obj = Record<string, unknown>;

function fail(field: string, what: string): never {
  throw new OAuthError('invalid_request', `${field} ${what}`);
}

function str(o: Obj, f: string, opt: true): string | undefined;
function str(o: Obj, f: string, opt?: false): string;
function str(o: Obj, f: string, opt = false): string | undefined {
  const v = o[f];
  if (v === undefined && opt) return undefined;
  if (typeof v !== 'string' || v === '' || v.length > 2048) fail(f, 'must be a non-empty string of at most 2048 characters');
  return v;
}

function id(o: Obj, f: string, opt = false): string | undefined {
  const v = opt ? str(o, f, true) : str(o, f);
  if (v !== undefined && !idPattern.test(v)) fail(f, 'must be 1-128 of A-Z a-z 0-9 _ . - starting with a letter or digit');
  return v;
}

function strings(o: Obj, f: string, opt: boolean): string[] | undefined {
  const v = o[f];
  if (v === undefined && opt) return undefined;
  if (!Array.isArray(v) || v.length > 256 || v.some((x) => typeof x !== 'string' || x === '' || x.length > 256)) {
    fail(f, 'must be an array of non-empty strings');
  }
  return v as string[];
}

function object(o: Obj, f: string): Obj | undefined {
  const v = o[f];
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(f, 'must be an object');
  return v as Obj;
}

function seconds(o: Obj, f: string): number | undefined {
  const v = o[f];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 31_536_000) fail(f, 'must be an integer number of seconds from 1 to 31536000');
  return v;
}

function bool(o: Obj, f: string): boolean | undefined {
  const v = o[f];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') fail(f, 'must be a boolean');
  return v;
}

function objects(o: Obj, f: string): Obj[] | undefined {
  const v = o[f];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length > 64 || v.some((x) => typeof x !== 'object' || x === null || Array.isArray(x))) fail(f, 'must be an array of objects');
  return v as Obj[];
}

function absoluteUri(v: string, f: string): string {
  try {
    new URL(v);
  } catch {
    fail(f, 'must be an absolute URI');
  }
  if (v.includes('#')) fail(f, 'must not contain a fragment');
  return v;
}

/** Checks an admin body for a record of `collection`; `key` is the id from the URL on updates. */
export function parsePbacRecord<C extends PbacCollection>(collection: C, body: unknown, key?: string): PbacRecordOf[C] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new OAuthError('invalid_request', 'the body must be a JSON object');
  const o = body as Obj;
  if (key !== undefined && o.id === undefined && o.name === undefined) o[collection === 'resource_types' ? 'name' : 'id'] = key;
  const parsed = parseAny(collection, o);
  const recordKey = pbacRecordId(parsed);
  if (key !== undefined && recordKey !== key) throw new OAuthError('invalid_request', `${collection === 'resource_types' ? 'name' : 'id'} in the body differs from the URL`);
  return parsed as PbacRecordOf[C];
}

/** A record's id within its collection (resource types are keyed by name). */
export function pbacRecordId(r: PbacRecordOf[PbacCollection]): string {
  return 'id' in r ? r.id : r.name;
}

function parseAny(collection: PbacCollection, o: Obj): PbacRecordOf[PbacCollection] {
  switch (collection) {
    case 'resource_types': {
      const r: ResourceType = { name: id(o, 'name') as string, scopes: strings(o, 'scopes', false) as string[] };
      const parent = id(o, 'parent', true);
      if (parent !== undefined) r.parent = parent;
      const obligations = objects(o, 'obligations');
      if (obligations) r.obligations = obligations;
      const maxTtl = seconds(o, 'max_ttl');
      if (maxTtl !== undefined) r.max_ttl = maxTtl;
      const single = bool(o, 'jit_single_use');
      if (single !== undefined) r.jit_single_use = single;
      const d = str(o, 'description', true);
      if (d !== undefined) r.description = d;
      return r;
    }
    case 'resource_servers': {
      const r: ResourceServer = { id: id(o, 'id') as string, client_id: str(o, 'client_id'), resource: absoluteUri(str(o, 'resource'), 'resource') };
      const n = str(o, 'name', true);
      if (n !== undefined) r.name = n;
      return r;
    }
    case 'resources': {
      const r: Resource = { id: id(o, 'id') as string, type: str(o, 'type'), server: str(o, 'server') };
      const owner = str(o, 'owner', true);
      if (owner !== undefined) r.owner = owner;
      const attrs = object(o, 'attributes');
      if (attrs) r.attributes = attrs;
      return r;
    }
    case 'entitlements': {
      const r: Entitlement = { id: id(o, 'id') as string };
      const clientId = str(o, 'client_id', true);
      const softwareId = str(o, 'software_id', true);
      if ((clientId === undefined) === (softwareId === undefined)) fail('client_id', 'or software_id (exactly one) is required');
      if (clientId !== undefined) r.client_id = clientId;
      if (softwareId !== undefined) r.software_id = softwareId;
      for (const f of ['scopes', 'resource_types', 'grant_types'] as const) {
        const v = strings(o, f, true);
        if (v) r[f] = v;
      }
      const ttl = seconds(o, 'ttl');
      if (ttl !== undefined) r.ttl = ttl;
      const single = bool(o, 'jit_single_use');
      if (single !== undefined) r.jit_single_use = single;
      const obligations = objects(o, 'obligations');
      if (obligations) r.obligations = obligations;
      return r;
    }
    case 'software_statement_issuers': {
      const r: SoftwareStatementIssuer = { id: id(o, 'id') as string, issuer: str(o, 'issuer') };
      const jwks = object(o, 'jwks');
      const jwksUri = str(o, 'jwks_uri', true);
      if ((jwks === undefined) === (jwksUri === undefined)) fail('jwks', 'or jwks_uri (exactly one) is required');
      if (jwks !== undefined) {
        if (!Array.isArray(jwks.keys) || jwks.keys.length === 0) fail('jwks', 'must be a JWK Set with keys');
        r.jwks = jwks;
      }
      if (jwksUri !== undefined) r.jwks_uri = absoluteUri(jwksUri, 'jwks_uri');
      return r;
    }
    case 'registration_policies': {
      const allow = bool(o, 'allow_plain_registration');
      if (allow === undefined) fail('allow_plain_registration', 'is required (a boolean)');
      const r: RegistrationPolicy = { id: id(o, 'id') as string, allow_plain_registration: allow };
      for (const f of ['token_endpoint_auth_methods', 'software_ids'] as const) {
        const v = strings(o, f, true);
        if (v) r[f] = v;
      }
      const iat = bool(o, 'require_initial_access_token');
      if (iat !== undefined) r.require_initial_access_token = iat;
      const restrictions = object(o, 'restrictions');
      if (restrictions) r.restrictions = restrictions;
      return r;
    }
    case 'deny': {
      const r: DenyList = { id: id(o, 'id') as string };
      for (const f of ['client_ids', 'software_ids', 'ips'] as const) {
        const v = strings(o, f, true);
        if (v) r[f] = v;
      }
      const reason = str(o, 'reason', true);
      if (reason !== undefined) r.reason = reason;
      return r;
    }
  }
}
