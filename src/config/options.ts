// Every server option: its type, default, environment variable and a one-line doc (with the RFC it
// comes from, where one does). The README's configuration table is this table.
import { availableParallelism, hostname } from 'node:os';

/** Which parts of the server a process runs (issue 7): HTTP frontend, actor host, or both. */
export type Role = 'all' | 'frontend' | 'actors';
export const roles: readonly Role[] = ['all', 'frontend', 'actors'];

export interface Config {
  role: Role;
  host: string;
  port: number;
  natsUrl: string;
  issuer: string;
  adminKey: string | undefined;
  hostId: string;
  shards: number;
  replicas: number;
  leaseTtlMs: number;
  leaseRenewMs: number;
  requestTimeoutMs: number;
  kvTimeoutMs: number;
  maxWritesInFlight: number;
  bodyLimitBytes: number;
  tokenCacheEntries: number;
  clientCacheEntries: number;
  defaultTokenTtl: number;
  maxTokenTtl: number;
  policyWorkers: number;
  policyTimeoutMs: number;
  policyDir: string | undefined;
  retryAfterSeconds: number;
  tokenEventsMaxAgeMs: number;
  tokenEventsMaxBuffered: number;
  tokenExpiryMaxPending: number;
  auditEnabled: boolean;
  auditMaxAgeMs: number;
  auditMaxBytes: number;
  auditMaxInFlight: number;
  auditMaxBuffered: number;
  trustProxy: boolean;
  fetchAllowlist: string | undefined;
  fetchAllowHttp: boolean;
  fetchMaxBytes: number;
  fetchTimeoutMs: number;
  fetchMaxInFlight: number;
  fetchCacheEntries: number;
  dpopKeyCacheEntries: number;
  replayMaxAgeMs: number;
  assertionMaxLifetimeSec: number;
  dpopMaxAgeSec: number;
  dpopRequireNonce: boolean;
  dpopNonceSecret: string | undefined;
  registrationInitialAccessToken: string | undefined;
}

type Kind = 'string' | 'int' | 'bool' | 'optional-string' | 'role';

export interface OptionSpec<K extends keyof Config = keyof Config> {
  key: K;
  env: string;
  kind: Kind;
  doc: string;
  default: (c: Partial<Config>) => Config[K];
  min?: number;
  max?: number;
}

/** The issuer when none is configured: this server at its host and port (0.0.0.0 named as loopback). */
export function defaultIssuer(host: string, port: number): string {
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
}

function opt<K extends keyof Config>(spec: OptionSpec<K>): OptionSpec<K> {
  return spec;
}

export const options = [
  opt({
    key: 'role',
    env: 'PORTCULLIS_ROLE',
    kind: 'role',
    doc: 'What this process runs: `frontend` (HTTP only), `actors` (actor host and policy workers; HTTP only for /healthz, /readyz, /metrics) or `all`.',
    default: (): Role => 'all',
  }),
  opt({ key: 'host', env: 'PORTCULLIS_HOST', kind: 'string', doc: 'Address the HTTP frontend listens on.', default: () => '127.0.0.1' }),
  opt({ key: 'port', env: 'PORTCULLIS_PORT', kind: 'int', doc: 'Port the HTTP frontend listens on (0 = any free port).', default: () => 8080, min: 0, max: 65535 }),
  opt({ key: 'natsUrl', env: 'PORTCULLIS_NATS_URL', kind: 'string', doc: 'NATS server URL(s), comma-separated.', default: () => 'nats://127.0.0.1:4222' }),
  opt({
    key: 'issuer',
    env: 'PORTCULLIS_ISSUER',
    kind: 'string',
    doc: 'Issuer identifier (RFC 8414 §2) used in metadata and introspection `iss`.',
    default: (c) => defaultIssuer(c.host ?? '127.0.0.1', c.port ?? 8080),
  }),
  opt({ key: 'adminKey', env: 'PORTCULLIS_ADMIN_KEY', kind: 'optional-string', doc: 'Bearer key for /admin/... (≥ 32 bytes); unset disables the admin API.', default: () => undefined }),
  opt({ key: 'hostId', env: 'PORTCULLIS_HOST_ID', kind: 'string', doc: 'This actor host’s id in shard leases (A-Z a-z 0-9 _ -).', default: () => `${hostname().replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40)}-${process.pid}` }),
  opt({ key: 'shards', env: 'PORTCULLIS_SHARDS', kind: 'int', doc: 'Shards per actor kind; every process of a deployment must agree.', default: () => 64, min: 1, max: 4096 }),
  opt({ key: 'replicas', env: 'PORTCULLIS_REPLICAS', kind: 'int', doc: 'JetStream replicas of every bucket and stream; 0 = automatic: 3 when the NATS server is in a cluster, 1 alone.', default: () => 0, min: 0, max: 5 }),
  opt({ key: 'leaseTtlMs', env: 'PORTCULLIS_LEASE_TTL_MS', kind: 'int', doc: 'Shard lease lifetime; a dead host’s shards move after this.', default: () => 10_000, min: 200 }),
  opt({ key: 'leaseRenewMs', env: 'PORTCULLIS_LEASE_RENEW_MS', kind: 'int', doc: 'Lease renewal and rebalancing interval (≤ half the lease lifetime).', default: (c) => Math.floor((c.leaseTtlMs ?? 10_000) / 3), min: 50 }),
  opt({ key: 'requestTimeoutMs', env: 'PORTCULLIS_REQUEST_TIMEOUT_MS', kind: 'int', doc: 'Deadline of one request inside the server (actor calls, retries included).', default: () => 3000, min: 10 }),
  opt({ key: 'kvTimeoutMs', env: 'PORTCULLIS_KV_TIMEOUT_MS', kind: 'int', doc: 'Deadline of one JetStream write acknowledgement.', default: () => 2000, min: 10 }),
  opt({ key: 'maxWritesInFlight', env: 'PORTCULLIS_MAX_WRITES_IN_FLIGHT', kind: 'int', doc: 'Bound on pipelined JetStream writes awaiting acknowledgement.', default: () => 20_000, min: 1 }),
  opt({ key: 'bodyLimitBytes', env: 'PORTCULLIS_BODY_LIMIT_BYTES', kind: 'int', doc: 'Largest request body accepted (413 above it).', default: () => 65_536, min: 256 }),
  opt({ key: 'tokenCacheEntries', env: 'PORTCULLIS_TOKEN_CACHE_ENTRIES', kind: 'int', doc: 'Token records an actor host keeps in memory (LRU).', default: () => 100_000, min: 1 }),
  opt({ key: 'clientCacheEntries', env: 'PORTCULLIS_CLIENT_CACHE_ENTRIES', kind: 'int', doc: 'Client records an actor host keeps in memory (LRU).', default: () => 10_000, min: 1 }),
  opt({ key: 'defaultTokenTtl', env: 'PORTCULLIS_DEFAULT_TOKEN_TTL', kind: 'int', doc: 'Access token lifetime (s) when policy names none (RFC 6749 §5.1 expires_in).', default: () => 3600, min: 1 }),
  opt({ key: 'maxTokenTtl', env: 'PORTCULLIS_MAX_TOKEN_TTL', kind: 'int', doc: 'Longest access token lifetime (s) policy may grant.', default: () => 86_400, min: 1 }),
  opt({ key: 'policyWorkers', env: 'PORTCULLIS_POLICY_WORKERS', kind: 'int', doc: 'Policy worker threads.', default: () => Math.max(1, availableParallelism() - 1), min: 1, max: 256 }),
  opt({ key: 'policyTimeoutMs', env: 'PORTCULLIS_POLICY_TIMEOUT_MS', kind: 'int', doc: 'Deadline of one batch of policy decisions in a worker; past it they fail with 503 and the worker is replaced.', default: () => 2000, min: 10 }),
  opt({ key: 'policyDir', env: 'PORTCULLIS_POLICY_DIR', kind: 'optional-string', doc: 'Directory of .rego compiled at start and published as the first policy version when the policy store has none (default: the bundled policies/pbac).', default: () => undefined }),
  opt({ key: 'retryAfterSeconds', env: 'PORTCULLIS_RETRY_AFTER_SECONDS', kind: 'int', doc: 'Retry-After sent with 503 answers (RFC 9110 §10.2.3).', default: () => 1, min: 0 }),
  opt({ key: 'tokenEventsMaxAgeMs', env: 'PORTCULLIS_TOKEN_EVENTS_MAX_AGE_MS', kind: 'int', doc: 'How long token events are kept in their stream.', default: () => 7 * 86_400_000, min: 1000 }),
  opt({ key: 'tokenEventsMaxBuffered', env: 'PORTCULLIS_TOKEN_EVENTS_MAX_BUFFERED', kind: 'int', doc: 'Token events held for (re)sending while NATS is away; past it events are dropped and counted.', default: () => 100_000, min: 1 }),
  opt({ key: 'tokenExpiryMaxPending', env: 'PORTCULLIS_TOKEN_EXPIRY_MAX_PENDING', kind: 'int', doc: 'Unexpired tokens a host schedules `expired` events for; past it those events are missed (counted as untracked in /metrics).', default: () => 1_000_000, min: 1 }),
  opt({ key: 'auditEnabled', env: 'PORTCULLIS_AUDIT_ENABLED', kind: 'bool', doc: 'Append every policy decision to the audit stream.', default: () => true }),
  opt({ key: 'auditMaxAgeMs', env: 'PORTCULLIS_AUDIT_MAX_AGE_MS', kind: 'int', doc: 'Audit retention by age, ms (0 = unlimited).', default: () => 30 * 86_400_000, min: 0 }),
  opt({ key: 'auditMaxBytes', env: 'PORTCULLIS_AUDIT_MAX_BYTES', kind: 'int', doc: 'Audit retention by size, bytes; oldest records go first (-1 = unlimited).', default: () => -1, min: -1 }),
  opt({ key: 'auditMaxInFlight', env: 'PORTCULLIS_AUDIT_MAX_IN_FLIGHT', kind: 'int', doc: 'Audit appends (batches of records) awaiting acknowledgement at once.', default: () => 1024, min: 1 }),
  opt({ key: 'auditMaxBuffered', env: 'PORTCULLIS_AUDIT_MAX_BUFFERED', kind: 'int', doc: 'Audit records held for (re)sending while NATS is away; past it records are dropped and counted.', default: () => 100_000, min: 1 }),
  opt({ key: 'trustProxy', env: 'PORTCULLIS_TRUST_PROXY', kind: 'bool', doc: 'Take the client IP from X-Forwarded-For (only behind a trusted proxy).', default: () => false }),
  opt({
    key: 'fetchAllowlist',
    env: 'PORTCULLIS_FETCH_ALLOWLIST',
    kind: 'optional-string',
    doc: 'Hosts, addresses and CIDR ranges (comma-separated) that jwks_uri and Client ID Metadata Document fetches may reach although loopback, private or link-local; none by default.',
    default: () => undefined,
  }),
  opt({ key: 'fetchAllowHttp', env: 'PORTCULLIS_FETCH_ALLOW_HTTP', kind: 'bool', doc: 'Let outbound fetches (jwks_uri, client_id URLs) use http: (tests only; https only by default).', default: () => false }),
  opt({ key: 'fetchMaxBytes', env: 'PORTCULLIS_FETCH_MAX_BYTES', kind: 'int', doc: 'Largest document an outbound fetch accepts (JWKS, Client ID Metadata Documents).', default: () => 65_536, min: 256 }),
  opt({ key: 'fetchTimeoutMs', env: 'PORTCULLIS_FETCH_TIMEOUT_MS', kind: 'int', doc: 'Deadline of one outbound fetch, DNS lookup to last byte.', default: () => 3000, min: 10 }),
  opt({ key: 'fetchMaxInFlight', env: 'PORTCULLIS_FETCH_MAX_IN_FLIGHT', kind: 'int', doc: 'Outbound fetches in flight at once per process; more are refused, not queued.', default: () => 16, min: 1 }),
  opt({
    key: 'fetchCacheEntries',
    env: 'PORTCULLIS_FETCH_CACHE_ENTRIES',
    kind: 'int',
    doc: 'Fetched JWK Sets and Client ID Metadata Documents kept per process (each cached per its HTTP caching headers, 1 min to 1 day).',
    default: () => 1000,
    min: 1,
  }),
  opt({ key: 'dpopKeyCacheEntries', env: 'PORTCULLIS_DPOP_KEY_CACHE_ENTRIES', kind: 'int', doc: 'Imported DPoP proof keys kept per frontend (a key is imported once, not per proof).', default: () => 10_000, min: 1 }),
  opt({
    key: 'replayMaxAgeMs',
    env: 'PORTCULLIS_REPLAY_MAX_AGE_MS',
    kind: 'int',
    doc: 'How long the replay bucket keeps a one-time jti (RFC 7523 §3 item 7, RFC 9449 §11.1); above the longest assertion lifetime and DPoP window.',
    default: () => 900_000,
    min: 60_000,
  }),
  opt({ key: 'assertionMaxLifetimeSec', env: 'PORTCULLIS_ASSERTION_MAX_LIFETIME_SEC', kind: 'int', doc: 'Longest private_key_jwt assertion lifetime accepted (RFC 7523 §3 exp).', default: () => 300, min: 1, max: 3600 }),
  opt({ key: 'dpopMaxAgeSec', env: 'PORTCULLIS_DPOP_MAX_AGE_SEC', kind: 'int', doc: 'Oldest DPoP proof accepted by its iat (RFC 9449 §11.1).', default: () => 60, min: 1, max: 600 }),
  opt({ key: 'dpopRequireNonce', env: 'PORTCULLIS_DPOP_REQUIRE_NONCE', kind: 'bool', doc: 'Require a server nonce in DPoP proofs at /token (RFC 9449 §8, `use_dpop_nonce`).', default: () => false }),
  opt({
    key: 'dpopNonceSecret',
    env: 'PORTCULLIS_DPOP_NONCE_SECRET',
    kind: 'optional-string',
    doc: 'Secret (≥ 32 bytes) DPoP nonces are made with; every frontend must share it. Unset: random per process (one frontend only).',
    default: () => undefined,
  }),
  opt({
    key: 'registrationInitialAccessToken',
    env: 'PORTCULLIS_REGISTRATION_INITIAL_ACCESS_TOKEN',
    kind: 'optional-string',
    doc: 'Initial access token (RFC 7591 §3) for POST /register; policy sees whether it was presented and may require it. Unset: none.',
    default: () => undefined,
  }),
] as const satisfies readonly OptionSpec<keyof Config>[];
