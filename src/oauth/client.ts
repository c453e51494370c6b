// Client records (RFC 7591 metadata subset) as the admin API creates them and client actors keep them.
import { OAuthError } from './errors.js';
import { checkOperatorSecret, generateClientSecret, hashSecret } from './secrets.js';

export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post';
export const tokenEndpointAuthMethods: readonly TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post'];

export interface ClientRecord {
  client_id: string;
  /** hex SHA-256 of the secret; the secret itself is shown once at creation and never stored. */
  client_secret_hash: string;
  client_name?: string;
  client_type: 'confidential';
  /** When set, the only method accepted; otherwise both client_secret methods are. */
  token_endpoint_auth_method?: TokenEndpointAuthMethod;
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

/** The public view of a client (never the hash). */
export type ClientView = Omit<ClientRecord, 'client_secret_hash'>;

export function clientView(r: ClientRecord): ClientView {
  const { client_secret_hash: _, ...view } = r;
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

/** Builds a new client from admin input; returns the record and the secret to show once. */
export function newClient(input: ClientInput, now: number, makeId: () => string): { record: ClientRecord; secret: string } {
  const id = optString(input, 'client_id', 128);
  const supplied = optString(input, 'client_secret', 1024);
  if (supplied !== undefined) checkOperatorSecret(supplied);
  const secret = supplied ?? generateClientSecret();
  const record: ClientRecord = {
    client_id: id === undefined ? makeId() : checkClientId(id),
    client_secret_hash: hashSecret(secret),
    client_type: 'confidential',
    grant_types: ['client_credentials'],
    created_at: now,
    updated_at: now,
  };
  return { record: applyClientUpdate(record, input, now), secret };
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
  }
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
