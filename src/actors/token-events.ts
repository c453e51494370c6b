// Token events (issued, revoked, consumed) on per-resource-server subjects, kept in a stream. Published
// with the request's KV write batch and never awaited or acknowledged (the audit/event issue makes them
// acknowledged and retried); failures to send are counted. No token value, only its hash.
import { type JetStreamPipeline, type TokenEventType, encode, tokenEventSubject } from '../bus/index.js';
import type { TokenRecord } from '../oauth/index.js';

export interface TokenEvent {
  type: TokenEventType;
  token_hash: string;
  client_id: string;
  server: string | null;
  scope: string[];
  aud: string[];
  iat: number;
  exp: number;
  decision_id: string;
  /** ms since the epoch */
  at: number;
}

export class TokenEvents {
  readonly #pipeline: JetStreamPipeline;
  published = 0;
  failed = 0;

  constructor(pipeline: JetStreamPipeline) {
    this.#pipeline = pipeline;
  }

  publish(type: TokenEventType, hash: string, r: TokenRecord): void {
    const servers: (string | undefined)[] = r.servers.length > 0 ? r.servers : [undefined];
    const at = Date.now();
    for (const server of servers) {
      const event: TokenEvent = { type, token_hash: hash, client_id: r.client_id, server: server ?? null, scope: r.scope, aud: r.aud, iat: r.iat, exp: r.exp, decision_id: r.decision_id, at };
      try {
        this.#pipeline.publishUnacknowledged(tokenEventSubject(server, type), encode(event));
        this.published++;
      } catch {
        this.failed++;
      }
    }
  }
}
