// Who may open GET /stream and what it sends: the caller's access token must be active and bound to the
// resource servers whose token events it wants (its `aud`), and the introspect-phase decision for each of
// them, with rs_context `{action: "stream"}`, must allow it — so policy, not code, says which gateway sees
// which events. Events then come from the token-event stream, optionally replayed from a time or sequence.
import type { ActorRouter, PolicyDataView, TokenMessage } from '../actors/index.js';
import type { BusConnection } from '../bus/index.js';
import { type ReceivedTokenEvent, type TokenEventStream, subscribeTokenEvents } from '../events/index.js';
import { type Environment, type IntrospectionResponse, type ResourceServer, hashToken, isPlausibleToken } from '../oauth/index.js';

/** The rs_context every stream authorization is decided with. */
export const streamContext = { action: 'stream', stream: 'token_events' } as const;

export type StreamRefusal = { status: 401 | 403; error: 'invalid_token' | 'insufficient_scope'; description: string };

export interface StreamGrant {
  servers: ResourceServer[];
  /** Token expiry, seconds since the epoch: the socket closes then. */
  exp: number;
  clientId: string;
}

export interface StreamOptions {
  /** Replay from this time (ms since the epoch) … */
  since?: number;
  /** … or from this stream sequence. Neither: live events only. */
  fromSeq?: number;
}

/** What the /stream endpoint needs from the server (roles `frontend` and `all`). */
/** A DPoP-bound token's proof for the upgrade request (RFC 9449 §7.1): method GET, URL `<issuer>/stream`. */
export interface StreamProof {
  proof: string;
  method: string;
  url: string;
}

export interface TokenStreamAccess {
  authorize(token: string, env: Environment, dpop?: StreamProof): Promise<StreamGrant | StreamRefusal>;
  open(grant: StreamGrant, opts: StreamOptions, onEvent: (e: ReceivedTokenEvent) => void, onEnd: (err?: unknown) => void): Promise<() => void>;
}

export class TokenStreamService implements TokenStreamAccess {
  readonly #bus: BusConnection;
  readonly #router: ActorRouter;
  readonly #policyData: PolicyDataView;

  constructor(bus: BusConnection, router: ActorRouter, policyData: PolicyDataView) {
    this.#bus = bus;
    this.#router = router;
    this.#policyData = policyData;
  }

  #introspectAs(hash: string, servers: ResourceServer[], rsContext: Record<string, unknown>, env: Environment, dpop?: StreamProof & { accessToken: string }): Promise<IntrospectionResponse> {
    const msg: TokenMessage = dpop ? { op: 'introspect', callerServers: servers, rsContext, env, dpop } : { op: 'introspect', callerServers: servers, rsContext, env };
    return this.#router.call<IntrospectionResponse>('token', hash, msg);
  }

  async authorize(token: string, env: Environment, dpop?: StreamProof): Promise<StreamGrant | StreamRefusal> {
    const invalid: StreamRefusal = { status: 401, error: 'invalid_token', description: 'the access token is not active' };
    if (!isPlausibleToken(token)) return invalid;
    const hash = hashToken(token);
    const all = Object.values(this.#policyData.snapshot().resource_servers);
    if (all.length === 0) return invalid;
    // First: is it active for any resource server at all (no action asked), which does it name, and does
    // the DPoP proof hold (checked once: a proof is single-use)?
    const first = await this.#introspectAs(hash, all, {}, env, dpop ? { ...dpop, accessToken: token } : undefined);
    if (!first.active) return invalid;
    if (first.cnf !== undefined && dpop === undefined) return { status: 401, error: 'invalid_token', description: 'a DPoP-bound token needs the DPoP scheme and a proof' };
    if (first.jit_single_use) return { status: 403, error: 'insufficient_scope', description: 'a single-use token cannot open a stream' };
    const named = first.aud.map((a) => this.#policyData.resourceServerByIndicator(a)).filter((rs): rs is ResourceServer => rs !== undefined);
    if (named.length === 0) return { status: 403, error: 'insufficient_scope', description: 'the token names no resource server (request it with resource=…)' };
    // Then: policy decides, per resource server, whether this token may stream its events.
    const allowed: ResourceServer[] = [];
    for (const rs of named) {
      const r = await this.#introspectAs(hash, [rs], { ...streamContext }, env);
      if (r.active) allowed.push(rs);
    }
    if (allowed.length === 0) return { status: 403, error: 'insufficient_scope', description: 'policy does not allow this token to stream token events' };
    return { servers: allowed, exp: first.exp, clientId: first.client_id };
  }

  async open(grant: StreamGrant, opts: StreamOptions, onEvent: (e: ReceivedTokenEvent) => void, onEnd: (err?: unknown) => void): Promise<() => void> {
    const streams: TokenEventStream[] = [];
    let ended = false;
    const stop = (): void => {
      ended = true;
      for (const s of streams) s.stop();
    };
    try {
      for (const rs of grant.servers) {
        const sub = opts.fromSeq !== undefined ? { server: rs.id, fromSeq: opts.fromSeq } : opts.since !== undefined ? { server: rs.id, since: opts.since } : { server: rs.id };
        streams.push(await subscribeTokenEvents(this.#bus, sub));
      }
    } catch (err) {
      stop();
      throw err;
    }
    for (const s of streams) {
      (async () => {
        for await (const e of s) onEvent(e);
      })().then(
        () => {
          if (!ended) onEnd();
        },
        (err: unknown) => {
          if (!ended) onEnd(err);
        },
      );
    }
    return stop;
  }
}
