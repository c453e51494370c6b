// Validates client metadata (RFC 7591 §2) from a registration request, a software statement, an admin
// call or a Client ID Metadata Document, and returns it normalised with defaults applied. Unknown
// fields are dropped (RFC 7591 §2: ignore what is not understood); each refusal is
// invalid_client_metadata naming the field.
import { bad, isObject, optHttpsUrl, optString, optStringArray } from './lib/fields.js';
import { type MetadataRules, type RegisteredAuthMethod, defaultMetadataRules } from './options.js';

export interface ClientMetadata {
  redirect_uris?: string[];
  token_endpoint_auth_method: RegisteredAuthMethod;
  grant_types: string[];
  response_types: string[];
  client_name?: string;
  client_uri?: string;
  logo_uri?: string;
  tos_uri?: string;
  policy_uri?: string;
  scope?: string;
  contacts?: string[];
  jwks_uri?: string;
  jwks?: { keys: Record<string, unknown>[] };
  software_id?: string;
  software_version?: string;
  token_endpoint_auth_signing_alg?: string;
  /** RFC 9449 §5.2: the client only ever gets DPoP-bound access tokens. */
  dpop_bound_access_tokens?: boolean;
  /** RFC 6749 §2.1, derived from the auth method: `none` is public. */
  client_type: 'confidential' | 'public';
}

const privateJwkMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const scopePattern = /^[\x21\x23-\x5b\x5d-\x7e]+(?: [\x21\x23-\x5b\x5d-\x7e]+)*$/;
const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

function checkRedirectUri(uri: string): void {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    throw bad('redirect_uris', `entry ${JSON.stringify(uri.slice(0, 80))} is not an absolute URI`);
  }
  if (uri.includes('#')) throw bad('redirect_uris', 'entries must not have a fragment (RFC 6749 §3.1.2)');
  if (u.username !== '' || u.password !== '') throw bad('redirect_uris', 'entries must not hold credentials');
  if (u.protocol === 'https:') return;
  if (u.protocol === 'http:') {
    if (loopbackHosts.has(u.hostname)) return; // RFC 8252 §7.3 native apps on loopback
    throw bad('redirect_uris', 'entries must use https (http only for loopback, RFC 8252 §7.3)');
  }
  // RFC 8252 §7.1: a private-use scheme is a reverse domain name.
  if (/^[a-z][a-z0-9+-]*(?:\.[a-z0-9+-]+)+:$/.test(u.protocol) && !/^(?:javascript|data|vbscript|file):$/.test(u.protocol)) return;
  throw bad('redirect_uris', `scheme ${u.protocol} is not allowed`);
}

function checkJwks(v: unknown, maxKeys: number): { keys: Record<string, unknown>[] } {
  if (!isObject(v) || !Array.isArray(v.keys)) throw bad('jwks', 'must be a JWK Set: an object with a keys array');
  if (v.keys.length === 0 || v.keys.length > maxKeys) throw bad('jwks', `must hold 1-${maxKeys} keys`);
  const keys: Record<string, unknown>[] = [];
  for (const k of v.keys) {
    if (!isObject(k) || typeof k.kty !== 'string') throw bad('jwks', 'keys must be JWK objects with a kty');
    if (k.kty === 'oct') throw bad('jwks', 'must not hold symmetric (oct) keys');
    const priv = privateJwkMembers.find((m) => m in k);
    if (priv !== undefined) throw bad('jwks', `must hold public keys only; a key has the private member "${priv}"`);
    keys.push(k);
  }
  return { keys };
}

export function validateClientMetadata(input: unknown, rules: Partial<MetadataRules> = {}): ClientMetadata {
  const r = { ...defaultMetadataRules, ...rules };
  if (!isObject(input)) throw bad('the request body', 'must be a JSON object of client metadata');
  const max = r.maxStringLength;

  const method = (optString(input, 'token_endpoint_auth_method', 64) ?? 'client_secret_basic') as RegisteredAuthMethod;
  if (!r.authMethods.includes(method)) throw bad('token_endpoint_auth_method', `must be one of ${r.authMethods.join(', ')}`);

  const grantTypes = optStringArray(input, 'grant_types', 10, 128) ?? [...r.defaultGrantTypes];
  if (grantTypes.length === 0) throw bad('grant_types', 'must not be empty');
  for (const g of grantTypes) if (!r.grantTypes.includes(g)) throw bad('grant_types', `holds ${JSON.stringify(g)}; supported: ${r.grantTypes.join(', ')}`);

  const responseTypes = optStringArray(input, 'response_types', 10, 128) ?? (grantTypes.includes('authorization_code') ? ['code'] : []);
  for (const t of responseTypes) if (t !== 'code') throw bad('response_types', `holds ${JSON.stringify(t)}; supported: code`);
  if (responseTypes.includes('code') !== grantTypes.includes('authorization_code')) {
    throw bad('response_types', 'and grant_types disagree: code goes with authorization_code (RFC 7591 §2.1)');
  }

  const redirectUris = optStringArray(input, 'redirect_uris', r.maxRedirectUris, max);
  redirectUris?.forEach(checkRedirectUri);
  if (grantTypes.includes('authorization_code') && (redirectUris === undefined || redirectUris.length === 0)) {
    throw bad('redirect_uris', 'is required with the authorization_code grant');
  }

  const out: ClientMetadata = {
    token_endpoint_auth_method: method,
    grant_types: grantTypes,
    response_types: responseTypes,
    client_type: method === 'none' ? 'public' : 'confidential',
  };
  if (redirectUris !== undefined) out.redirect_uris = redirectUris;

  if (input.client_type !== undefined && input.client_type !== out.client_type) {
    throw bad('client_type', `must be ${out.client_type} for token_endpoint_auth_method ${method}`);
  }
  if (out.client_type === 'public' && grantTypes.includes('client_credentials')) {
    throw bad('grant_types', 'client_credentials needs a confidential client; token_endpoint_auth_method none is public');
  }

  const name = optString(input, 'client_name', 256);
  if (name !== undefined) out.client_name = name;
  for (const f of ['client_uri', 'logo_uri', 'tos_uri', 'policy_uri'] as const) {
    const v = optHttpsUrl(input, f, max);
    if (v !== undefined) out[f] = v;
  }
  const scope = optString(input, 'scope', 4096);
  if (scope !== undefined) {
    if (!scopePattern.test(scope)) throw bad('scope', 'must be space-separated scope tokens (RFC 6749 §3.3)');
    out.scope = scope;
  }
  const contacts = optStringArray(input, 'contacts', r.maxContacts, 320);
  if (contacts !== undefined) out.contacts = contacts;

  const jwksUri = optHttpsUrl(input, 'jwks_uri', max);
  if (input.jwks !== undefined && input.jwks !== null) {
    if (jwksUri !== undefined) throw bad('jwks', 'and jwks_uri must not both be present (RFC 7591 §2)');
    out.jwks = checkJwks(input.jwks, r.maxJwks);
  }
  if (jwksUri !== undefined) out.jwks_uri = jwksUri;
  if (method === 'private_key_jwt' && out.jwks === undefined && out.jwks_uri === undefined) {
    throw bad('jwks', 'or jwks_uri is required with token_endpoint_auth_method private_key_jwt');
  }

  const softwareId = optString(input, 'software_id', 128);
  if (softwareId !== undefined) {
    if (!/^[\x21-\x7e]+$/.test(softwareId)) throw bad('software_id', 'must be printable ASCII');
    out.software_id = softwareId;
  }
  const softwareVersion = optString(input, 'software_version', 128);
  if (softwareVersion !== undefined) out.software_version = softwareVersion;

  const alg = optString(input, 'token_endpoint_auth_signing_alg', 16);
  if (alg !== undefined) {
    if (!r.signingAlgorithms.includes(alg)) throw bad('token_endpoint_auth_signing_alg', `must be one of ${r.signingAlgorithms.join(', ')}`);
    if (method !== 'private_key_jwt') throw bad('token_endpoint_auth_signing_alg', 'applies only to private_key_jwt');
    out.token_endpoint_auth_signing_alg = alg;
  }
  if (input.dpop_bound_access_tokens !== undefined && input.dpop_bound_access_tokens !== null) {
    if (typeof input.dpop_bound_access_tokens !== 'boolean') throw bad('dpop_bound_access_tokens', 'must be a boolean');
    out.dpop_bound_access_tokens = input.dpop_bound_access_tokens;
  }
  return out;
}
