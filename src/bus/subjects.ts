// Every NATS subject, KV bucket and stream name Portcullis uses, built by functions and each format
// written beside its builder. Untrusted parts of a subject are checked with anchored regexes here.
import { createHash } from 'node:crypto';

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
 * `portcullis.events.token.<rs>.<kind>` — token events, kept in stream `PORTCULLIS_TOKEN_EVENTS`.
 *   <rs>    the resource server's id when it is 1–64 of `A-Z a-z 0-9 _ -`; otherwise `=` and 32 hex digits
 *           of the id's SHA-256; `_` for a token bound to no resource server. A token bound to several
 *           resource servers yields one event on each server's subject.
 *   <kind>  `issued` | `revoked` | `consumed` (a single-use token's one introspection) | `expired`
 * E.g. a gateway for resource server `orders` subscribes to `portcullis.events.token.orders.>`.
 * Payloads never carry a token value, only its SHA-256 (src/events).
 */
export type TokenEventType = 'issued' | 'revoked' | 'consumed' | 'expired';
export const tokenEventTypes: readonly TokenEventType[] = ['issued', 'revoked', 'consumed', 'expired'];
const tokenEventTypePattern = /^(?:issued|revoked|consumed|expired)$/;

/** The `<rs>` subject token of a resource server id (see the scheme above). */
export function resourceServerToken(server: string | null | undefined): string {
  if (server === null || server === undefined || server === '') return '_';
  if (subjectTokenPattern.test(server) && server !== '_') return server;
  return `=${createHash('sha256').update(server, 'utf8').digest('hex').slice(0, 32)}`;
}

export function tokenEventSubject(server: string | null | undefined, event: TokenEventType): string {
  if (!tokenEventTypePattern.test(event)) throw new TypeError(`unknown token event kind ${JSON.stringify(event)}`);
  return `portcullis.events.token.${resourceServerToken(server)}.${event}`;
}

/** Filter subject for one resource server (or all: `undefined`) and one kind (or all). */
export function tokenEventFilter(server?: string | null, event?: TokenEventType): string {
  if (event !== undefined && !tokenEventTypePattern.test(event)) throw new TypeError(`unknown token event kind ${JSON.stringify(event)}`);
  return `portcullis.events.token.${server === undefined ? '*' : resourceServerToken(server)}.${event ?? '*'}`;
}
export const tokenEventsWildcard = 'portcullis.events.token.>';

/**
 * `portcullis.audit.<phase>.<outcome>.<client>` — batches of decision records (src/audit builds them: the
 * client is a hashed form when not a plain token). Kept in stream `PORTCULLIS_AUDIT`.
 */
export const auditWildcard = 'portcullis.audit.>';

/**
 * Object store `portcullis_bundles`: one object per published policy version, named by the version (its
 * content hash), holding the bundle as a .tar.gz exactly as `opa build -t wasm` lays it out.
 */
export const bundlesObjectStore = 'portcullis_bundles';

/**
 * KV bucket `portcullis_policy` (src/policy/store): `active` → the version every host runs;
 * `versions.<version>` → the record of one publish; `hosts.<host id>` → what a host runs. Opened by the
 * policy store with its own history, so it stays out of `buckets`.
 */
export const policyBucket = 'portcullis_policy';

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
  /** every policy decision (src/audit); subjects `portcullis.audit.>`, retention by age and size. */
  audit: 'PORTCULLIS_AUDIT',
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
