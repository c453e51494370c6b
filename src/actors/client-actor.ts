// The client actor: owns client records (one writer per client_id), authenticates clients, builds
// the token-phase policy input, asks policy, and has the token actor mint. Reads do not queue behind
// each other; admin writes to one client run one at a time.
import { RevisionConflictError } from '../bus/index.js';
import {
  type AssertionCredentials,
  type ClientAuthentication,
  type ClientIdMetadataDocument,
  type ClientIdMetadataDocuments,
  type ClientInput,
  type ClientRecord,
  type ClientView,
  type Decided,
  type GrantContext,
  type IntrospectionResponse,
  type JwksCache,
  OAuthError,
  type PolicyInput,
  type PolicyResource,
  type ReplayStore,
  type TokenRecord,
  type TokenResponse,
  applyClientUpdate,
  authenticateClient,
  clientView,
  grants,
  hashToken,
  inactive,
  isClientIdUrl,
  isPlausibleToken,
  mintOpaqueToken,
  requireDpopProof,
  required,
  verifyClientAssertion,
} from '../oauth/index.js';
import { AdminError } from './admin-error.js';
import { type RegistrationDeps, deleteRegistration, readRegistration, registerClient, updateRegistration } from './client-registration.js';
import type { Decider } from './decider.js';
import type { ActorBehavior } from './host.js';
import { KeyedMailbox } from './mailbox.js';
import type { ClientMessage, ParamEntries, RsDpopProof, TokenMessage } from './messages.js';
import type { PolicyDataView } from './policy-data.js';
import type { RecordStore } from './record-store.js';
import type { ActorRouter } from './router.js';

const plainKey = /^[A-Za-z0-9_-]{1,128}$/;

/** The client actor key (and KV key) of a client_id: itself when KV-safe, else `b64.<base64url>`. */
export function clientActorKey(clientId: string): string {
  return plainKey.test(clientId) ? clientId : `b64.${Buffer.from(clientId, 'utf8').toString('base64url')}`;
}

export interface ClientActorOptions {
  store: RecordStore<ClientRecord>;
  router: ActorRouter;
  decider: Decider;
  policyData: PolicyDataView;
  /** Token lifetime when policy names none, seconds. */
  defaultTtl: number;
  /** Longest token lifetime policy may grant, seconds. */
  maxTtl: number;
  /** Issuer identifier: an audience assertions may name, and the base of registration_client_uri. */
  issuer?: string;
  /** private_key_jwt (RFC 7523): client keys and the shared jti replay store; absent: assertions are refused. */
  assertions?: { keys: JwksCache; replay: ReplayStore; maxLifetimeSec: number };
  /** Client ID Metadata Documents: URL client_ids resolved by fetching them; absent: such ids are unknown. */
  cimd?: { documents: ClientIdMetadataDocuments; allowHttp: boolean };
}

/** A client known by its metadata document, as a record (never stored: the document is the source). */
function documentClient(doc: ClientIdMetadataDocument): ClientRecord {
  const md = doc.metadata;
  const r: ClientRecord = {
    client_id: doc.client_id,
    client_type: md.client_type,
    token_endpoint_auth_method: md.token_endpoint_auth_method,
    grant_types: md.grant_types,
    metadata: { ...md, client_id_metadata_document: true },
    created_at: doc.fetchedAt,
    updated_at: doc.fetchedAt,
  };
  if (md.jwks !== undefined) r.jwks = md.jwks;
  if (md.jwks_uri !== undefined) r.jwks_uri = md.jwks_uri;
  if (md.token_endpoint_auth_signing_alg !== undefined) r.token_endpoint_auth_signing_alg = md.token_endpoint_auth_signing_alg;
  if (md.dpop_bound_access_tokens !== undefined) r.dpop_bound_access_tokens = md.dpop_bound_access_tokens;
  if (md.software_id !== undefined) r.software_id = md.software_id;
  if (md.scope !== undefined) r.scope = md.scope;
  if (md.client_name !== undefined) r.client_name = md.client_name;
  return r;
}

export class ClientActor implements ActorBehavior {
  readonly #o: ClientActorOptions;
  readonly #mailbox = new KeyedMailbox();

  constructor(opts: ClientActorOptions) {
    this.#o = opts;
  }

  handle(key: string, raw: unknown): Promise<unknown> {
    const msg = raw as ClientMessage;
    switch (msg.op) {
      case 'token':
        return this.#token(key, msg.creds, msg.params, msg.env, msg.dpopJkt);
      case 'introspect':
        return this.#introspect(key, msg.creds, msg.token, msg.rsContext, msg.env, msg.dpop);
      case 'revoke':
        return this.#revoke(key, msg.creds, msg.token);
      case 'admin.create':
        return this.#mailbox.run(key, () => this.#create(key, msg.record));
      case 'admin.get':
        return this.#get(key);
      case 'admin.update':
        return this.#mailbox.run(key, () => this.#update(key, msg.input, msg.secretHash));
      case 'admin.delete':
        return this.#mailbox.run(key, () => this.#delete(key));
      case 'register':
        return this.#mailbox.run(key, () => registerClient(this.#registration(key), key, msg));
      case 'registration.get':
        return readRegistration(this.#registration(key), key, msg.proof);
      case 'registration.update':
        return this.#mailbox.run(key, () => updateRegistration(this.#registration(key), key, msg.proof, msg.metadata, msg.env));
      case 'registration.delete':
        return this.#mailbox.run(key, () => deleteRegistration(this.#registration(key), key, msg.proof));
    }
  }

  #registration(key: string): RegistrationDeps {
    if (this.#o.issuer === undefined) throw new TypeError('ClientActor needs `issuer` for registration');
    return { store: this.#o.store, decider: this.#o.decider, issuer: this.#o.issuer, authenticate: (creds) => this.#authenticateAssertion(key, creds) };
  }

  releaseShard(shard: number): void {
    this.#o.store.releaseShard(shard);
  }

  releaseAll(): void {
    this.#o.store.releaseAll();
  }

  async #authenticate(key: string, creds: ClientAuthentication): Promise<ClientRecord> {
    if (clientActorKey(creds.clientId) !== key) throw new TypeError('credentials routed to the wrong client actor');
    if (creds.method === 'private_key_jwt') return this.#authenticateAssertion(key, creds);
    const v = await this.#o.store.get(key);
    return authenticateClient(v?.value ?? null, creds);
  }

  /** The client's record: stored, or for a URL client_id its metadata document (RFC draft CIMD). */
  async #clientRecord(key: string, clientId: string): Promise<ClientRecord | null> {
    const cimd = this.#o.cimd;
    if (cimd !== undefined && isClientIdUrl(clientId, cimd.allowHttp)) return documentClient(await cimd.documents.resolve(clientId));
    return (await this.#o.store.get(key))?.value ?? null;
  }

  async #authenticateAssertion(key: string, creds: AssertionCredentials): Promise<ClientRecord> {
    const a = this.#o.assertions;
    if (a === undefined) throw new OAuthError('invalid_client', 'private_key_jwt is not enabled on this server');
    const record = await this.#clientRecord(key, creds.clientId);
    const issuer = this.#o.issuer ?? '';
    const base = issuer.replace(/\/+$/, '');
    await verifyClientAssertion({ clientId: creds.clientId, assertion: creds.assertion }, record, {
      audiences: [issuer, `${base}/token`, creds.endpoint],
      keys: a.keys,
      replay: a.replay,
      maxLifetimeSec: a.maxLifetimeSec,
    });
    return record as ClientRecord;
  }

  async #token(key: string, creds: ClientAuthentication, entries: ParamEntries, env: GrantContext['environment'], dpopJkt?: string): Promise<TokenResponse> {
    const client = await this.#authenticate(key, creds);
    requireDpopProof(client, dpopJkt);
    const params = new Map(entries);
    const grantType = required(params, 'grant_type');
    const grant = grants.get(grantType);
    if (!grant) throw new OAuthError('unsupported_grant_type', `grant_type ${JSON.stringify(grantType.slice(0, 60))} is not supported`);
    return grant.handler({
      client,
      params,
      environment: env,
      ...(dpopJkt !== undefined ? { dpopJkt } : {}),
      resolveResources: (indicators, types) => this.#resolveResources(indicators, types),
      isKnownIndicator: (i) => this.#o.policyData.resourceServerByIndicator(i) !== undefined,
      decide: (input) => this.#o.decider.decide('token', input),
      mint: (input, decided, scopes, ttl) => this.#mint(client, input, decided, scopes, ttl, dpopJkt),
      defaultTtl: this.#o.defaultTtl,
      maxTtl: this.#o.maxTtl,
    });
  }

  #resolveResources(indicators: string[], types: string[]): PolicyResource[] {
    const data = this.#o.policyData;
    for (const t of types) {
      if (!data.resourceType(t)) throw new OAuthError('invalid_target', `resource_type ${JSON.stringify(t)} is not known`);
    }
    const servers = indicators.map((i) => {
      const rs = data.resourceServerByIndicator(i);
      if (!rs) throw new OAuthError('invalid_target', `resource ${JSON.stringify(i.slice(0, 100))} is not a known resource server`);
      return rs;
    });
    const typeList: (string | null)[] = types.length > 0 ? types : [null];
    if (servers.length === 0) return types.map((type) => ({ type, id: null, server: null, indicator: null, actions: [] }));
    return servers.flatMap((rs) => typeList.map((type) => ({ type, id: null, server: rs.id, indicator: rs.resource, actions: [] })));
  }

  async #mint(client: ClientRecord, input: PolicyInput, decided: Decided, scopes: string[], ttl: number, dpopJkt?: string): Promise<string> {
    const { token, hash } = mintOpaqueToken();
    const iat = Math.floor(Date.now() / 1000);
    const aud: string[] = [];
    const servers: string[] = [];
    for (const r of input.resources) {
      if (r.indicator !== null && !aud.includes(r.indicator)) aud.push(r.indicator);
      if (r.server !== null && !servers.includes(r.server)) servers.push(r.server);
    }
    const record: TokenRecord = {
      client_id: client.client_id,
      token_type: dpopJkt !== undefined ? 'DPoP' : 'Bearer',
      iat,
      exp: iat + ttl,
      scope: scopes,
      aud,
      servers,
      resources: input.resources,
      jit_single_use: decided.decision.jit_single_use,
      decision_id: decided.decisionId,
      policy_version: decided.version,
      decision: decided.decision,
    };
    // The input as text when policy was given it so (see TokenRecord.input), else as the value.
    if (decided.inputJson !== undefined) record.input_json = decided.inputJson;
    else record.input = input;
    if (dpopJkt !== undefined) record.cnf = { jkt: dpopJkt };
    await this.#o.router.call<null>('token', hash, { op: 'store', record } satisfies TokenMessage);
    return token;
  }

  async #introspect(
    key: string,
    creds: ClientAuthentication,
    token: string,
    rsContext: Record<string, unknown>,
    env: GrantContext['environment'],
    dpop?: RsDpopProof,
  ): Promise<IntrospectionResponse> {
    const client = await this.#authenticate(key, creds);
    const callerServers = this.#o.policyData.resourceServersOfClient(client.client_id);
    if (callerServers.length === 0 || !isPlausibleToken(token)) return inactive;
    const msg: TokenMessage = { op: 'introspect', callerServers, rsContext, env };
    if (dpop !== undefined) msg.dpop = { ...dpop, accessToken: token };
    return this.#o.router.call<IntrospectionResponse>('token', hashToken(token), msg);
  }

  async #revoke(key: string, creds: ClientAuthentication, token: string): Promise<null> {
    const client = await this.#authenticate(key, creds);
    if (!isPlausibleToken(token)) return null;
    await this.#o.router.call<null>('token', hashToken(token), { op: 'revoke', clientId: client.client_id } satisfies TokenMessage);
    return null;
  }

  async #create(key: string, record: ClientRecord): Promise<ClientView> {
    try {
      const existing = await this.#o.store.get(key);
      if (existing?.value) throw new AdminError('conflict', `client ${record.client_id} already exists`);
      await this.#o.store.write(key, record, existing?.revision ?? 0);
    } catch (err) {
      if (err instanceof RevisionConflictError) throw new AdminError('conflict', `client ${record.client_id} already exists`);
      throw err;
    }
    return clientView(record);
  }

  async #get(key: string): Promise<ClientView> {
    const v = await this.#o.store.get(key);
    if (!v?.value) throw new AdminError('not_found', 'no such client');
    return clientView(v.value);
  }

  async #update(key: string, input: ClientInput, secretHash?: string): Promise<ClientView> {
    const v = await this.#o.store.get(key);
    if (!v?.value) throw new AdminError('not_found', 'no such client');
    const next = applyClientUpdate(v.value, input, Date.now());
    if (secretHash !== undefined) next.client_secret_hash = secretHash;
    await this.#o.store.write(key, next, v.revision);
    return clientView(next);
  }

  async #delete(key: string): Promise<null> {
    const v = await this.#o.store.get(key);
    if (!v?.value) throw new AdminError('not_found', 'no such client');
    await this.#o.store.delete(key, v.revision);
    return null;
  }
}
