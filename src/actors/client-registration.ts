// Dynamic client registration (RFC 7591) and client management (RFC 7592) as the client actor runs
// them: policy decides every registration (`phase: "register"`), the record keeps only hashes of the
// secret and the registration_access_token, and management requests prove that token.
import { RevisionConflictError } from '../bus/index.js';
import {
  type AssertionCredentials,
  type ClientMetadata,
  type ClientRecord,
  type Environment,
  OAuthError,
  type PolicyClient,
  type PolicyInput,
  applySoftwareStatement,
  clientInformationResponse,
  generateClientSecret,
  hashSecret,
  issueRegistrationAccessToken,
  parseScope,
  registrationAccessTokenMatches,
  registrationClientUri,
  validateClientMetadata,
} from '../oauth/index.js';
import type { Decider } from './decider.js';
import type { RecordStore } from './record-store.js';

/** POST /register, after the edge verified the software statement (if any) and validated the metadata. */
export interface RegisterMessage {
  op: 'register';
  clientId: string;
  metadata: ClientMetadata;
  /** The verified statement's claims. */
  softwareStatement?: Record<string, unknown>;
  /** The statement JWT as sent, returned in the response (RFC 7591 §3.2.1). */
  softwareStatementJwt?: string;
  /** A valid initial access token came with the request. */
  initialAccessToken: boolean;
  env: Environment;
}

/**
 * How a management request proves it speaks for the client: its registration_access_token (RFC 7592 §2),
 * or a private_key_jwt assertion (RFC 7523) for a client that authenticates that way.
 */
export type ManagementProof = { token: string } | { assertion: AssertionCredentials };

/** GET, PUT and DELETE /register/:id. */
export type RegistrationMessage =
  | { op: 'registration.get'; proof: ManagementProof }
  | { op: 'registration.update'; proof: ManagementProof; metadata: ClientMetadata; env: Environment }
  | { op: 'registration.delete'; proof: ManagementProof };

export interface RegistrationDeps {
  store: RecordStore<ClientRecord>;
  decider: Decider;
  issuer: string;
  /** Verifies a client assertion against the stored client (the client actor's private_key_jwt check). */
  authenticate(creds: AssertionCredentials): Promise<ClientRecord>;
}

/** Fields policy restrictions may impose; anything else in `restrictions` is ignored. */
const restrictable = ['scope', 'dpop_bound_access_tokens', 'token_endpoint_auth_method', 'grant_types', 'token_endpoint_auth_signing_alg'] as const;

const unknownToken = (): OAuthError => new OAuthError('invalid_token', 'the registration_access_token is not valid for this client');

function registerInput(clientId: string, md: ClientMetadata, statement: Record<string, unknown> | undefined, env: Environment, how: NonNullable<PolicyInput['context']['registration']>): PolicyInput {
  const client: PolicyClient = {
    ...md,
    client_id: clientId,
    client_type: md.client_type,
    software_id: md.software_id ?? (typeof statement?.software_id === 'string' ? statement.software_id : null),
    software_statement: statement ?? {},
    metadata: {},
    scope: md.scope ?? null,
  };
  return {
    resources: [],
    scopes: parseScope(md.scope),
    subject: null,
    context: { phase: 'register', grant_type: md.grant_types[0] ?? '', client, environment: env, registration: how },
  };
}

/** Asks policy; returns the metadata with its restrictions applied, or refuses in RFC 7591's terms. */
async function decideRegistration(deps: RegistrationDeps, input: PolicyInput, md: ClientMetadata, hasStatement: boolean): Promise<ClientMetadata> {
  const { decision } = await deps.decider.decide('register', input);
  if (!decision.allow) {
    const why = decision.reason ? `policy refused the registration: ${decision.reason}` : 'policy refused the registration';
    if (hasStatement) throw new OAuthError('unapproved_software_statement', why);
    throw new OAuthError('access_denied', why, { status: 403 });
  }
  const r = decision.restrictions;
  if (r === undefined) return md;
  const imposed: Record<string, unknown> = {};
  for (const f of restrictable) if (r[f] !== undefined) imposed[f] = r[f];
  if (Object.keys(imposed).length === 0) return md;
  return validateClientMetadata({ ...md, ...imposed });
}

function recordOf(clientId: string, md: ClientMetadata, statement: Record<string, unknown> | undefined, now: number, prior?: ClientRecord): ClientRecord {
  const { client_type, token_endpoint_auth_method, grant_types, jwks, jwks_uri, token_endpoint_auth_signing_alg, redirect_uris, dpop_bound_access_tokens, software_id, software_version, scope, client_name, ...rest } = md;
  const rec: ClientRecord = {
    client_id: clientId,
    client_type,
    token_endpoint_auth_method,
    grant_types,
    metadata: { ...rest },
    created_at: prior?.created_at ?? now,
    updated_at: now,
  };
  if (jwks !== undefined) rec.jwks = jwks;
  if (jwks_uri !== undefined) rec.jwks_uri = jwks_uri;
  if (token_endpoint_auth_signing_alg !== undefined) rec.token_endpoint_auth_signing_alg = token_endpoint_auth_signing_alg;
  if (redirect_uris !== undefined) rec.redirect_uris = redirect_uris;
  if (dpop_bound_access_tokens !== undefined) rec.dpop_bound_access_tokens = dpop_bound_access_tokens;
  const sw = software_id ?? (typeof statement?.software_id === 'string' ? statement.software_id : undefined);
  if (sw !== undefined) rec.software_id = sw;
  if (software_version !== undefined) rec.software_version = software_version;
  if (scope !== undefined) rec.scope = scope;
  if (client_name !== undefined) rec.client_name = client_name;
  if (statement !== undefined) rec.software_statement = statement;
  if (prior?.registration_access_token_hash !== undefined) rec.registration_access_token_hash = prior.registration_access_token_hash;
  return rec;
}

function metadataOf(r: ClientRecord): ClientMetadata {
  const md = validateClientMetadata({
    ...(r.metadata ?? {}),
    token_endpoint_auth_method: r.token_endpoint_auth_method,
    grant_types: r.grant_types,
    jwks: r.jwks,
    jwks_uri: r.jwks_uri,
    token_endpoint_auth_signing_alg: r.token_endpoint_auth_signing_alg,
    redirect_uris: r.redirect_uris,
    dpop_bound_access_tokens: r.dpop_bound_access_tokens,
    software_id: r.software_id,
    software_version: r.software_version,
    scope: r.scope,
    client_name: r.client_name,
  });
  return md;
}

const usesSecret = (md: ClientMetadata): boolean => md.token_endpoint_auth_method === 'client_secret_basic' || md.token_endpoint_auth_method === 'client_secret_post';

export async function registerClient(deps: RegistrationDeps, key: string, msg: RegisterMessage): Promise<Record<string, unknown>> {
  const how = { software_statement: msg.softwareStatement !== undefined, initial_access_token: msg.initialAccessToken, update: false };
  const md = await decideRegistration(deps, registerInput(msg.clientId, msg.metadata, msg.softwareStatement, msg.env, how), msg.metadata, how.software_statement);
  const now = Date.now();
  const record = recordOf(msg.clientId, md, msg.softwareStatement, now);
  const rat = issueRegistrationAccessToken();
  record.registration_access_token_hash = rat.hash;
  const secret = usesSecret(md) ? generateClientSecret() : undefined;
  if (secret !== undefined) record.client_secret_hash = hashSecret(secret);
  try {
    const existing = await deps.store.get(key);
    if (existing?.value) throw new OAuthError('invalid_client_metadata', 'a client with this client_id exists already');
    await deps.store.write(key, record, existing?.revision ?? 0);
  } catch (err) {
    if (err instanceof RevisionConflictError) throw new OAuthError('invalid_client_metadata', 'a client with this client_id exists already');
    throw err;
  }
  const info: Parameters<typeof clientInformationResponse>[0] = {
    clientId: msg.clientId,
    issuedAt: Math.floor(now / 1000),
    metadata: md,
    registrationAccessToken: rat.token,
    registrationClientUri: registrationClientUri(deps.issuer, msg.clientId),
  };
  if (secret !== undefined) info.clientSecret = secret;
  if (msg.softwareStatementJwt !== undefined) info.softwareStatement = msg.softwareStatementJwt;
  return clientInformationResponse(info);
}

/**
 * The record when the proof is the client's: its registration_access_token (else invalid_token, 401, also
 * for an unknown client) or a private_key_jwt assertion the client actor verifies (else invalid_client).
 */
async function authorized(deps: RegistrationDeps, key: string, proof: ManagementProof): Promise<{ record: ClientRecord; revision: number }> {
  if ('assertion' in proof) await deps.authenticate(proof.assertion);
  const v = await deps.store.get(key);
  if ('token' in proof && !registrationAccessTokenMatches(proof.token, v?.value?.registration_access_token_hash)) throw unknownToken();
  if (!v?.value) throw unknownToken();
  return { record: v.value, revision: v.revision };
}

export async function readRegistration(deps: RegistrationDeps, key: string, proof: ManagementProof): Promise<Record<string, unknown>> {
  const { record } = await authorized(deps, key, proof);
  return clientInformationResponse({
    clientId: record.client_id,
    issuedAt: Math.floor(record.created_at / 1000),
    metadata: metadataOf(record),
    registrationClientUri: registrationClientUri(deps.issuer, record.client_id),
  });
}

export async function updateRegistration(deps: RegistrationDeps, key: string, proof: ManagementProof, requested: ClientMetadata, env: Environment): Promise<Record<string, unknown>> {
  const { record, revision } = await authorized(deps, key, proof);
  const statement = record.software_statement;
  // A statement's values still bind the client (RFC 7591 §2.3): an update may not contradict them.
  const asked = statement === undefined ? requested : validateClientMetadata(applySoftwareStatement({ ...requested }, statement));
  const how = { software_statement: statement !== undefined, initial_access_token: false, update: true };
  const md = await decideRegistration(deps, registerInput(record.client_id, asked, statement, env, how), asked, how.software_statement);
  const next = recordOf(record.client_id, md, statement, Date.now(), record);
  let secret: string | undefined;
  if (usesSecret(md)) {
    if (record.client_secret_hash !== undefined) next.client_secret_hash = record.client_secret_hash;
    else {
      secret = generateClientSecret();
      next.client_secret_hash = hashSecret(secret);
    }
  }
  try {
    await deps.store.write(key, next, revision);
  } catch (err) {
    if (err instanceof RevisionConflictError) throw new OAuthError('invalid_request', 'the client changed during the update; retry');
    throw err;
  }
  const info: Parameters<typeof clientInformationResponse>[0] = {
    clientId: record.client_id,
    issuedAt: Math.floor(record.created_at / 1000),
    metadata: md,
    registrationClientUri: registrationClientUri(deps.issuer, record.client_id),
  };
  if (secret !== undefined) info.clientSecret = secret;
  return clientInformationResponse(info);
}

export async function deleteRegistration(deps: RegistrationDeps, key: string, proof: ManagementProof): Promise<null> {
  const { revision } = await authorized(deps, key, proof);
  await deps.store.delete(key, revision);
  return null;
}
