// Every NATS subject, KV bucket and stream name Portcullis uses, built by functions and each format
// written beside its builder. Untrusted parts of a subject are checked with anchored regexes here.

/** Actor kinds that own keys; `flow` arrives with the authorization-code issue. */
export type ActorKind = 'client' | 'token';
export const actorKinds: readonly ActorKind[] = ['client', 'token'];

/** A subject token we put untrusted text into: letters, digits, `_`, `-`, at most 64 chars. */
export const subjectTokenPattern = /^[A-Za-z0-9_-]{1,64}$/;
/** A KV key we put untrusted text into (NATS KV key rules, minus wildcards and leading/trailing dots). */
export const kvKeyPattern = /^[A-Za-z0-9_=-](?:[A-Za-z0-9_=.-]{0,254}[A-Za-z0-9_=-])?$/;
const kindPattern = /^(?:client|token)$/;

function checkToken(name: string, value: string): string {
  if (!subjectTokenPattern.test(value)) throw new TypeError(`${name} is not a valid subject token: ${JSON.stringify(value)}`);
  return value;
}

export function isValidKvKey(key: string): boolean {
  return kvKeyPattern.test(key) && !key.includes('..');
}

/**
 * `portcullis.actor.<kind>.<shard>` — requests to the owner of one shard of one actor kind. The owner
 * subscribes with queue group `portcullis.owner` while it holds the shard's lease, so requests follow the
 * lease without callers knowing who owns it.
 */
export function actorShardSubject(kind: ActorKind, shard: number): string {
  if (!kindPattern.test(kind)) throw new TypeError(`unknown actor kind ${JSON.stringify(kind)}`);
  if (!Number.isInteger(shard) || shard < 0) throw new TypeError(`shard must be a non-negative integer, got ${shard}`);
  return `portcullis.actor.${kind}.${shard}`;
}
export const actorQueueGroup = 'portcullis.owner';

/**
 * `portcullis.events.token.<server>.<event>` — token events (`issued`, `revoked`, `consumed`) per resource
 * server id; `_` when a token names no resource server. Kept in stream `PORTCULLIS_TOKEN_EVENTS`.
 */
export type TokenEventType = 'issued' | 'revoked' | 'consumed';
export function tokenEventSubject(server: string | undefined, event: TokenEventType): string {
  return `portcullis.events.token.${server === undefined ? '_' : checkToken('resource server id', server)}.${event}`;
}
export const tokenEventsWildcard = 'portcullis.events.token.>';

/**
 * `portcullis.policy.data.changed` — published after an admin write to policy data with the KV revision,
 * so hosts can confirm they hold it (watchers deliver the data itself).
 */
export const policyDataChangedSubject = 'portcullis.policy.data.changed';

/** KV buckets, named `portcullis_<what>`. */
export const buckets = {
  /** client records by client_id (owned by client actors). */
  clients: 'portcullis_clients',
  /** token records by hex SHA-256 of the token (owned by token actors). */
  tokens: 'portcullis_tokens',
  /** shard leases `<kind>.<shard>` and host heartbeats `host.<id>`. */
  leases: 'portcullis_leases',
  /** policy data `<collection>.<id>` → data.oauth_config.<collection>[id]. */
  policyData: 'portcullis_policy_data',
} as const;
export type BucketName = (typeof buckets)[keyof typeof buckets];

/**
 * `portcullis_replay` — one-time identifiers (private_key_jwt and DPoP `jti`s) by replayKey(scope, jti),
 * kept for the bucket's max_age. Opened by src/oauth/replay with its own TTL, not by provision() (so it
 * stays out of `buckets`, whose members provision() creates).
 */
export const replayBucketName = 'portcullis_replay';

/** JetStream streams. */
export const streams = {
  /** token issue/revoke/consume events; subjects `portcullis.events.token.>`. */
  tokenEvents: 'PORTCULLIS_TOKEN_EVENTS',
} as const;

/** `<kind>.<shard>` — the lease key of a shard in the leases bucket. */
export function leaseKey(kind: ActorKind, shard: number): string {
  return `${kind}.${shard}`;
}

/** `host.<id>` — a host's heartbeat key in the leases bucket; ids are subject tokens. */
export function hostKey(hostId: string): string {
  return `host.${checkToken('host id', hostId)}`;
}

/** `$KV.<bucket>.<key>` — the subject a KV put for `key` is published on. */
export function kvPutSubject(bucket: string, key: string): string {
  if (!isValidKvKey(key)) throw new TypeError(`invalid KV key ${JSON.stringify(key)}`);
  return `$KV.${bucket}.${key}`;
}
