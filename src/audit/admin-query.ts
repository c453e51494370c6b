// What GET /admin/audit answers, independent of the HTTP library: the query string in, a status and a
// JSON body out (a page of records and the cursor of the next), or for `follow=true` a stream of NDJSON
// lines until the caller stops it. The frontend endpoint checks the admin key, then calls one of these.
import type { BusConnection } from '../bus/index.js';
import { type AuditRequest, AuditQueryError, followAudit, parseAuditRequest, queryAudit } from './query.js';
import type { AuditEntry } from './record.js';

export interface AuditAnswer {
  status: 200 | 400;
  body: { records: AuditEntry[]; next: string | null } | { error: 'invalid_request'; error_description: string };
}

/** Parses the query string (without `?`); a bad parameter is a 400 naming it. */
export function readAuditQuery(query: string): AuditRequest | AuditAnswer {
  try {
    return parseAuditRequest(new URLSearchParams(query));
  } catch (err) {
    if (err instanceof AuditQueryError) return { status: 400, body: err.toJSON() };
    throw err;
  }
}

export function isAuditAnswer(v: AuditRequest | AuditAnswer): v is AuditAnswer {
  return 'status' in v;
}

/** One page for a non-follow request. NATS trouble rejects with src/bus's BusError (503 at the edge). */
export async function answerAuditQuery(bus: BusConnection, req: AuditRequest): Promise<AuditAnswer> {
  const page = await queryAudit(bus, req.filter, { limit: req.limit, ...(req.cursor !== undefined ? { cursor: req.cursor } : {}) });
  return { status: 200, body: page };
}

/**
 * For `follow=true`: writes each matching record as one JSON line (`application/x-ndjson`) until
 * `stop()` — call it when the client goes away. `write` returning false (backpressure) is tolerated;
 * the caller decides whether to stop.
 */
export async function followAuditLines(bus: BusConnection, req: AuditRequest, write: (line: string) => void): Promise<{ stop(): void; done: Promise<void> }> {
  const follower = await followAudit(bus, req.filter, req.cursor !== undefined ? { cursor: req.cursor } : {});
  const done = (async () => {
    for await (const e of follower) write(`${JSON.stringify(e)}\n`);
  })();
  return { stop: () => follower.stop(), done };
}
