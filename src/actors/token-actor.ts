// The token actor: owns token records by the token's SHA-256. Stores what the client actor minted,
// answers introspection (binding, expiry, revocation, a fresh introspect-phase decision) and revokes.
// A single-use token is consumed by a compare-and-set write before anyone is told it is active, and
// everything that changes one token runs in that token's mailbox.
import { RevisionConflictError } from '../bus/index.js';
import {
  type Environment,
  type IntrospectionResponse,
  OAuthError,
  type ReplayStore,
  type ResourceServer,
  type TokenRecord,
  activeResponse,
  bindingFor,
  encodeIntrospectInput,
  inactive,
  mayRevoke,
  tokenState,
  verifyDpopProof,
} from '../oauth/index.js';
import type { Decider } from './decider.js';
import type { ActorBehavior } from './host.js';
import { KeyedMailbox } from './mailbox.js';
import type { RsDpopProof, TokenMessage } from './messages.js';
import type { RecordStore } from './record-store.js';

/**
 * Where token events go (src/events' TokenEventPublisher: acknowledged, retried, bounded). `publish` must
 * not block or throw: an event it cannot send is its own to count.
 */
export interface TokenEventSink {
  publish(kind: 'issued' | 'revoked' | 'consumed', hash: string, record: TokenRecord): void;
}

/**
 * The owner's expiry schedule (src/events' OwnerExpiryAnnouncer): tokens this host's shards mint or load,
 * announced `expired` when due; must not block or throw.
 */
export interface TokenExpirySchedule {
  track(hash: string, record: TokenRecord): void;
  forget(hash: string): void;
  releaseShard(shard: number): void;
}

export interface TokenActorOptions {
  store: RecordStore<TokenRecord>;
  decider: Decider;
  events: TokenEventSink;
  /** Absent: this host announces no `expired` events. */
  expiry?: TokenExpirySchedule;
  issuer: string;
  /** Checks DPoP proofs resource servers forward at introspection (RFC 9449 §7); absent: such proofs are refused. */
  rsProofs?: { replay: ReplayStore; maxAgeSec: number };
}

/**
 * Inactive because policy said no: the reason travels to the edge so forward-auth can answer 403 instead of
 * 401; /introspect strips it (RFC 7662 §2.2: an inactive answer carries nothing more).
 */
function deniedByPolicy(reason: unknown): IntrospectionResponse {
  return { active: false, denied_reason: typeof reason === 'string' && reason !== '' ? reason : 'denied by policy' };
}

export class TokenActor implements ActorBehavior {
  readonly #o: TokenActorOptions;
  readonly #mailbox = new KeyedMailbox();

  constructor(opts: TokenActorOptions) {
    this.#o = opts;
  }

  handle(key: string, raw: unknown): Promise<unknown> {
    const msg = raw as TokenMessage;
    switch (msg.op) {
      case 'store':
        return this.#store(key, msg.record);
      case 'introspect':
        return this.#introspect(key, msg.callerServers, msg.rsContext, msg.env, msg.dpop);
      case 'revoke':
        return this.#mailbox.run(key, () => this.#revoke(key, msg.clientId));
    }
  }

  releaseShard(shard: number): void {
    this.#o.store.releaseShard(shard);
    this.#o.expiry?.releaseShard(shard);
  }

  releaseAll(): void {
    this.#o.store.releaseAll();
  }

  async #store(hash: string, record: TokenRecord): Promise<null> {
    // The event leaves in the same pipelined batch as the record's write (one socket write, one turn).
    // Should the write fail, the event names a token no client ever received: harmless to a subscriber,
    // and it costs nothing in the common case, where waiting for the write would cost a turn per token.
    const written = this.#o.store.create(hash, record);
    this.#o.events.publish('issued', hash, record);
    await written;
    this.#o.expiry?.track(hash, record);
    return null;
  }

  async #introspect(
    hash: string,
    callerServers: ResourceServer[],
    rsContext: Record<string, unknown>,
    env: Environment,
    dpop?: RsDpopProof & { accessToken: string },
  ): Promise<IntrospectionResponse> {
    const v = await this.#o.store.get(hash);
    const record = v?.value;
    if (!record || tokenState(record, env.time_unix) !== 'active') return inactive;
    // Loaded by this owner (maybe after a takeover the catch-up missed): its expiry is ours to announce.
    this.#o.expiry?.track(hash, record);
    const rs = bindingFor(record, callerServers);
    if (!rs) return inactive;
    if (dpop !== undefined) await this.#checkRsProof(record, dpop);
    if (record.jit_single_use) return this.#mailbox.run(hash, () => this.#introspectSingleUse(hash, callerServers, rsContext, env));
    const decided = await this.#o.decider.decide('introspect', encodeIntrospectInput(record, rs, rsContext, env));
    if (!decided.decision.allow) return deniedByPolicy(decided.decision.reason);
    return activeResponse(record, decided.decision, decided.decisionId, decided.version, this.#o.issuer);
  }

  /**
   * The proof the resource server received with this token (RFC 9449 §7.1): for its request's method and
   * URL, with `ath` of this token, signed by the key the token is bound to.
   */
  async #checkRsProof(record: TokenRecord, dpop: RsDpopProof & { accessToken: string }): Promise<void> {
    const o = this.#o.rsProofs;
    if (o === undefined) throw new OAuthError('invalid_request', 'this server does not check DPoP proofs at introspection');
    if (record.cnf === undefined) throw new OAuthError('invalid_dpop_proof', 'the token is a Bearer token, not bound to a DPoP key');
    let url: URL;
    try {
      url = new URL(dpop.url);
    } catch {
      throw new OAuthError('invalid_request', 'dpop_htu must be the absolute URL the resource server was called at');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new OAuthError('invalid_request', 'dpop_htu must be an http(s) URL');
    await verifyDpopProof(dpop.proof, { method: dpop.method, url: url.href, accessToken: dpop.accessToken, boundJkt: record.cnf.jkt }, { replay: o.replay, maxAgeSec: o.maxAgeSec });
  }

  /** Re-reads the record inside the mailbox: only the first introspection that policy allows wins it. */
  async #introspectSingleUse(hash: string, callerServers: ResourceServer[], rsContext: Record<string, unknown>, env: Environment): Promise<IntrospectionResponse> {
    const v = await this.#o.store.get(hash);
    const record = v?.value;
    if (!v || !record || tokenState(record, env.time_unix) !== 'active') return inactive;
    const rs = bindingFor(record, callerServers);
    if (!rs) return inactive;
    const decided = await this.#o.decider.decide('introspect', encodeIntrospectInput(record, rs, rsContext, env));
    if (!decided.decision.allow) return deniedByPolicy(decided.decision.reason);
    const consumed: TokenRecord = { ...record, consumed_at: Date.now() };
    try {
      await this.#o.store.write(hash, consumed, v.revision);
    } catch (err) {
      // Someone else (a previous owner of this shard) wrote first: it was not ours to give.
      if (err instanceof RevisionConflictError) return inactive;
      throw err;
    }
    this.#o.events.publish('consumed', hash, consumed);
    this.#o.expiry?.forget(hash);
    return activeResponse(record, decided.decision, decided.decisionId, decided.version, this.#o.issuer);
  }

  async #revoke(hash: string, clientId: string): Promise<null> {
    const v = await this.#o.store.get(hash);
    const record = v?.value;
    if (!v || !record || record.revoked_at !== undefined || !mayRevoke(record, clientId)) return null;
    const revoked: TokenRecord = { ...record, revoked_at: Date.now() };
    try {
      await this.#o.store.write(hash, revoked, v.revision);
    } catch (err) {
      if (!(err instanceof RevisionConflictError)) throw err;
      return this.#revoke(hash, clientId); // changed under us (consumed or revoked elsewhere): look again
    }
    this.#o.events.publish('revoked', hash, revoked);
    this.#o.expiry?.forget(hash);
    return null;
  }
}
