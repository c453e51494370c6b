// Client records (RFC 7591 metadata subset) as the admin API creates them and client actors keep them.
import { OAuthError } from './errors.js';
import { validateClientMetadata } from './registration/index.js';
import { checkOperatorSecret, generateClientSecret, hashSecret } from './secrets.js';

/** RFC 7591 §2 token_endpoint_auth_method values Portcullis knows; `none` is a public client. */
export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';
export const tokenEndpointAuthMethods: readonly TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'];
/** Methods that authenticate a client (advertised for the token, introspection and revocation endpoints). */
export const clientAuthMethods: readonly TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];

/** Methods whose client holds a server-made secret. */
export function usesClientSecret(method: TokenEndpointAuthMethod | undefined): boolean {
  return method === undefined || method === 'client_secret_basic' || method === 'client_secret_post';
}

export interface ClientRecord {
  client_id: string;
  /**
   * hex SHA-256 of the secret; the secret itself is shown once at creation and never stored. Absent for
   * private_key_jwt and public clients: secret authentication is then refused.
   */
  client_secret_hash?: string;
  client_name?: string;
  client_type: 'confidential' | 'public';
  /** When set, the only method accepted; otherwise both client_secret methods are. */
  token_endpoint_auth_method?: TokenEndpointAuthMethod;
  /** RFC 7591 §2: the client's public keys (private_key_jwt), inline or by URL — at most one of the two. */
  jwks?: { keys: Record<string, unknown>[] };
  jwks_uri?: string;
  /** RFC 7591 §2: the one JWS alg the client signs assertions with. */
  token_endpoint_auth_signing_alg?: string;
  redirect_uris?: string[];
  /** RFC 9449 §5.2: the client gets DPoP-bound access tokens only. */
  dpop_bound_access_tokens?: boolean;
  /** RFC 7592: hex SHA-256 of the registration_access_token (dynamically registered clients). */
  registration_access_token_hash?: string;
  software_version?: string;
  grant_types: string[];
  /** Scopes the client may ask for, space-separated; policy decides what it gets. */
  scope?: string;
  software_id?: string;
  /** Verified software statement claims (issue 6 fills this from registration). */
  software_statement?: Record<string, unknown>;
  /** Free-form attributes passed to policy. */
  metadata?: Record<string, unknown>;
  disabled?: boolean;
  created_at: number;
  updated_at: number;
}

/** The public view of a client (never a hash). */
export type ClientView = Omit<ClientRecord, 'client_secret_hash' | 'registration_access_token_hash'>;

export function clientView(r: ClientRecord): ClientView {
  const { client_secret_hash: _, registration_access_token_hash: __, ...view } = r;
  return view;
}

const clientIdPattern = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
const softwareIdPattern = /^[\x21-\x7e]{1,128}$/;

export function checkClientId(id: string): string {
  if (!clientIdPattern.test(id)) throw new OAuthError('invalid_client_metadata', 'client_id must be 1-128 of A-Z a-z 0-9 _ . : - starting with a letter or digit');
  return id;
}

/** Fields an operator may set; everything else is ignored or refused with a message naming it. */
export interface ClientInput {
  client_id?: unknown;
  client_secret?: unknown;
  client_name?: unknown;
  token_endpoint_auth_method?: unknown;
  jwks?: unknown;
  jwks_uri?: unknown;
  token_endpoint_auth_signing_alg?: unknown;
  redirect_uris?: unknown;
  dpop_bound_access_tokens?: unknown;
  software_version?: unknown;
  grant_types?: unknown;
  scope?: unknown;
  software_id?: unknown;
  software_statement?: unknown;
  metadata?: unknown;
  disabled?: unknown;
}

function optString(obj: ClientInput, name: keyof ClientInput, max = 256): string | undefined {
  const v = obj[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length > max) throw new OAuthError('invalid_client_metadata', `${name} must be a string of at most ${max} characters`);
  return v;
}

function optObject(obj: ClientInput, name: keyof ClientInput): Record<string, unknown> | undefined {
  const v = obj[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new OAuthError('invalid_client_metadata', `${name} must be an object`);
  return v as Record<string, unknown>;
}

/**
 * Builds a new client from admin input; returns the record and the secret to show once (none for
 * private_key_jwt and public clients).
 */
export function newClient(input: ClientInput, now: number, makeId: () => string): { record: ClientRecord; secret?: string } {
  const id = optString(input, 'client_id', 128);
  const base: ClientRecord = {
    client_id: id === undefined ? makeId() : checkClientId(id),
    client_type: 'confidential',
    grant_types: ['client_credentials'],
    created_at: now,
    updated_at: now,
  };
  const record = applyClientUpdate(base, input, now);
  const supplied = optString(input, 'client_secret', 1024);
  if (!usesClientSecret(record.token_endpoint_auth_method)) {
    if (supplied !== undefined) throw new OAuthError('invalid_client_metadata', `client_secret does not go with token_endpoint_auth_method ${record.token_endpoint_auth_method}`);
    return { record };
  }
  if (supplied !== undefined) checkOperatorSecret(supplied);
  const secret = supplied ?? generateClientSecret();
  record.client_secret_hash = hashSecret(secret);
  return { record, secret };
}

/** Checks the key and binding fields with the RFC 7591 rules registration uses, and copies them. */
function applyKeyFields(next: ClientRecord, input: ClientInput): void {
  const fields = ['jwks', 'jwks_uri', 'token_endpoint_auth_signing_alg', 'redirect_uris', 'dpop_bound_access_tokens', 'software_version'] as const;
  const merged: Record<string, unknown> = {};
  for (const f of fields) merged[f] = input[f] !== undefined ? input[f] : next[f];
  const method = next.token_endpoint_auth_method ?? 'client_secret_basic';
  // `none` is checked as a secret method here: the public-client grant rules do not apply to admin records.
  const md = validateClientMetadata({ ...merged, token_endpoint_auth_method: method === 'none' ? 'client_secret_basic' : method });
  for (const f of fields) delete next[f];
  if (md.jwks !== undefined) next.jwks = md.jwks;
  if (md.jwks_uri !== undefined) next.jwks_uri = md.jwks_uri;
  if (md.token_endpoint_auth_signing_alg !== undefined) next.token_endpoint_auth_signing_alg = md.token_endpoint_auth_signing_alg;
  if (md.redirect_uris !== undefined) next.redirect_uris = md.redirect_uris;
  if (md.dpop_bound_access_tokens !== undefined) next.dpop_bound_access_tokens = md.dpop_bound_access_tokens;
  if (md.software_version !== undefined) next.software_version = md.software_version;
}

/** Applies the updatable fields of `input` to a record (client_id and secret are not among them). */
export function applyClientUpdate(record: ClientRecord, input: ClientInput, now: number): ClientRecord {
  const next: ClientRecord = { ...record, updated_at: now };
  const name = optString(input, 'client_name');
  if (name !== undefined) next.client_name = name;
  const method = optString(input, 'token_endpoint_auth_method');
  if (method !== undefined) {
    if (!tokenEndpointAuthMethods.includes(method as TokenEndpointAuthMethod)) {
      throw new OAuthError('invalid_client_metadata', `token_endpoint_auth_method must be one of ${tokenEndpointAuthMethods.join(', ')}`);
    }
    next.token_endpoint_auth_method = method as TokenEndpointAuthMethod;
    next.client_type = method === 'none' ? 'public' : 'confidential';
  }
  applyKeyFields(next, input);
  if (input.grant_types !== undefined) {
    const g = input.grant_types;
    if (!Array.isArray(g) || g.length === 0 || g.some((x) => x !== 'client_credentials')) {
      throw new OAuthError('invalid_client_metadata', 'grant_types must be ["client_credentials"] (the only grant so far)');
    }
    next.grant_types = ['client_credentials'];
  }
  const scope = optString(input, 'scope', 4096);
  if (scope !== undefined) next.scope = scope;
  const softwareId = optString(input, 'software_id', 128);
  if (softwareId !== undefined) {
    if (!softwareIdPattern.test(softwareId)) throw new OAuthError('invalid_client_metadata', 'software_id must be 1-128 printable ASCII characters');
    next.software_id = softwareId;
  }
  const ss = optObject(input, 'software_statement');
  if (ss !== undefined) next.software_statement = ss;
  const md = optObject(input, 'metadata');
  if (md !== undefined) next.metadata = md;
  if (input.disabled !== undefined) {
    if (typeof input.disabled !== 'boolean') throw new OAuthError('invalid_client_metadata', 'disabled must be a boolean');
    next.disabled = input.disabled;
  }
  return next;
}
