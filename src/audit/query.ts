// The reading side of the audit log: filter by client, decision id, phase, outcome and time range, page
// through results with a cursor (`<stream sequence>-<index in its batch>`), or follow new records live.
// Client, phase and outcome are in the subject, so JetStream filters them on the server; the time range
// starts the consumer at `since`; decision id and time are checked per record.
import type { ConsumerMessages, JsMsg, OrderedConsumerOptions } from '@nats-io/jetstream';
import { DeliverPolicy } from '@nats-io/jetstream';
import { type BusConnection, consumeUntilStopped, decode, openOrderedConsumer } from '../bus/index.js';
import { type AuditOutcome, type AuditPhase, auditFilterSubject, auditOutcomes, auditPhases, auditStream } from './names.js';
import type { AuditEntry, AuditRecord } from './record.js';

export interface AuditFilter {
  clientId?: string;
  decisionId?: string;
  phase?: AuditPhase;
  outcome?: AuditOutcome;
  /** Decisions made at or after, ms since the epoch. */
  since?: number;
  /** Decisions made at or before, ms since the epoch. */
  until?: number;
}

export interface AuditQueryOptions {
  /** Records per page; default 100, at most 1 000. */
  limit?: number;
  /** Resume after a previous page: its `next` (or any entry's `cursor`). */
  cursor?: string;
  /**
   * How long after `until` a record may still reach the stream (retried appends), ms; the scan stops
   * at records stored later than `until + lagMs`. Default 60 s.
   */
  lagMs?: number;
  /** Gives up scanning after this long and returns what it has, with a cursor; default 10 s. */
  timeoutMs?: number;
}

export interface AuditPage {
  records: AuditEntry[];
  /** Cursor of the next page, null when there is no more (at the time of the query). */
  next: string | null;
}

export const auditQueryLimits = { defaultLimit: 100, maxLimit: 1000 } as const;

export class AuditQueryError extends Error {
  override readonly name = 'AuditQueryError';
  /** The query parameter at fault. */
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
  toJSON(): { error: 'invalid_request'; error_description: string } {
    return { error: 'invalid_request', error_description: this.message };
  }
}

/** `<seq>` or `<seq>-<index>`: the first record to read. */
function parseCursor(cursor: string): { seq: number; index: number } {
  const m = /^([1-9]\d{0,15})(?:-(\d{1,6}))?$/.exec(cursor);
  if (!m) throw new AuditQueryError('cursor', 'cursor must come from a previous page');
  return { seq: Number(m[1]), index: Number(m[2] ?? 0) };
}

function cursorOf(seq: number, index: number): string {
  return index === 0 ? String(seq) : `${seq}-${index}`;
}

function startOf(filter: AuditFilter, cursor: string | undefined, live: boolean): Partial<OrderedConsumerOptions> {
  const base: Partial<OrderedConsumerOptions> = { filter_subjects: auditFilterSubject(filter) };
  if (cursor !== undefined) return { ...base, opt_start_seq: parseCursor(cursor).seq };
  // A record is stored after its decision, so starting at `since` by stream time misses none.
  if (filter.since !== undefined) return { ...base, opt_start_time: new Date(filter.since).toISOString() };
  if (live) return { ...base, deliver_policy: DeliverPolicy.New };
  return base;
}

function matches(r: AuditRecord, f: AuditFilter): boolean {
  return (f.since === undefined || r.at >= f.since) && (f.until === undefined || r.at <= f.until) && (f.decisionId === undefined || r.decision_id === f.decisionId);
}

const textDecoder = new TextDecoder();

/** The records of one message (a batch; a lone record is read as a batch of one), from `from` on. */
function entriesOf(m: JsMsg, from = 0): AuditEntry[] {
  let v: unknown;
  try {
    // Batches are JSON arrays (./audit-log.ts); msgpack, as earlier versions wrote them, never starts with `[`.
    v = m.data[0] === 0x5b ? JSON.parse(textDecoder.decode(m.data)) : decode<unknown>(m.data);
  } catch {
    return []; // not a record (foreign publisher): skip it
  }
  const records = (Array.isArray(v) ? v : [v]) as AuditRecord[];
  const stored = new Date(Number(m.info.timestampNanos / 1_000_000)).toISOString();
  const out: AuditEntry[] = [];
  for (let i = from; i < records.length; i++) {
    const record = records[i];
    if (record && typeof record === 'object' && typeof record.id === 'string') {
      // Written with the input as the pool's JSON text (./record.ts): read back as the input itself.
      if (typeof record.input_json === 'string') {
        try {
          record.input = JSON.parse(record.input_json);
        } catch {
          record.input = null;
        }
        delete record.input_json;
      }
      out.push({ seq: m.seq, index: i, cursor: cursorOf(m.seq, i + 1), stored, record });
    }
  }
  return out;
}

/** One page of records matching `filter`, oldest first. */
export async function queryAudit(bus: BusConnection, filter: AuditFilter, opts: AuditQueryOptions = {}): Promise<AuditPage> {
  const limit = opts.limit ?? auditQueryLimits.defaultLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > auditQueryLimits.maxLimit) throw new AuditQueryError('limit', `limit must be an integer from 1 to ${auditQueryLimits.maxLimit}`);
  const lagMs = opts.lagMs ?? 60_000;
  const consumer = await openOrderedConsumer(bus, auditStream, startOf(filter, opts.cursor, false));
  const records: AuditEntry[] = [];
  let next: string | null = null;
  let messages: ConsumerMessages | undefined;
  try {
    const info = await consumer.info(true);
    if (info.num_pending === 0) return { records, next: null };
    messages = await consumer.consume({ max_messages: Math.min(512, Math.max(limit, 64)) });
    const iter = messages;
    const deadline = setTimeout(() => iter.stop(), opts.timeoutMs ?? 10_000);
    const start = opts.cursor !== undefined ? parseCursor(opts.cursor) : undefined;
    let pendingAfter = 1;
    let lastSeq = 0;
    try {
      outer: for await (const m of iter) {
        pendingAfter = m.info.pending;
        lastSeq = m.seq;
        const storedMs = Number(m.info.timestampNanos / 1_000_000);
        if (filter.until !== undefined && storedMs > filter.until + lagMs) {
          pendingAfter = 0; // nothing stored later can fall in the range
          break;
        }
        const entries = entriesOf(m, start && m.seq === start.seq ? start.index : 0);
        for (let i = 0; i < entries.length; i++) {
          const entry = entries[i] as AuditEntry;
          if (!matches(entry.record, filter)) continue;
          records.push(entry);
          if (records.length >= limit) {
            // More in this batch, or in messages after it?
            next = i < entries.length - 1 ? entry.cursor : pendingAfter > 0 ? String(m.seq + 1) : null;
            break outer;
          }
        }
        if (pendingAfter === 0) break;
      }
    } finally {
      clearTimeout(deadline);
    }
    if (records.length < limit && pendingAfter > 0) {
      // Stopped by the deadline: resume after the last message read.
      next = lastSeq > 0 ? String(lastSeq + 1) : (opts.cursor ?? null);
    }
  } finally {
    messages?.stop();
    await consumer.delete().catch(() => undefined);
  }
  return { records, next };
}

export interface AuditFollower extends AsyncIterable<AuditEntry> {
  stop(): void;
}

/**
 * Records matching `filter` as they are appended (from `cursor` or `since` when given — replaying what is
 * stored first — else from now on), until `stop()`.
 */
export async function followAudit(bus: BusConnection, filter: Omit<AuditFilter, 'until'>, opts: { cursor?: string } = {}): Promise<AuditFollower> {
  const consumer = await openOrderedConsumer(bus, auditStream, startOf(filter, opts.cursor, true));
  const { messages, stop } = await consumeUntilStopped(consumer, 256);
  const start = opts.cursor !== undefined ? parseCursor(opts.cursor) : undefined;
  async function* entries(): AsyncGenerator<AuditEntry> {
    try {
      for await (const m of messages) {
        for (const entry of entriesOf(m, start && m.seq === start.seq ? start.index : 0)) {
          if (matches(entry.record, filter)) yield entry;
        }
      }
    } finally {
      stop();
    }
  }
  const gen = entries();
  return {
    stop,
    // One iterator for the follower's life: leaving a `for await` early does not end it, `stop()` does.
    [Symbol.asyncIterator]: () => ({
      next: () => gen.next(),
      return: async () => ({ done: true, value: undefined }),
    }),
  };
}

// ---- query parameters (GET /admin/audit and `portcullis audit`) -------------------------------------

export interface AuditRequest {
  filter: AuditFilter;
  limit: number;
  cursor?: string;
  follow: boolean;
}

const relative = /^(\d{1,9})(ms|s|m|h|d)$/;
const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A time as ISO 8601, ms since the epoch, or a duration back from `now` (`90s`, `15m`, `2h`, `7d`). */
export function parseAuditTime(field: string, value: string, now = Date.now()): number {
  const rel = relative.exec(value);
  if (rel) return now - Number(rel[1]) * (unitMs[rel[2] as string] as number);
  if (/^\d{1,15}$/.test(value)) return Number(value);
  const t = /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(t)) throw new AuditQueryError(field, `${field} must be an ISO 8601 time, ms since the epoch, or a duration such as 15m`);
  return t;
}

const maxIdLength = 512;

/** Reads `client_id`, `decision_id`, `phase`, `outcome`, `since`, `until`, `limit`, `cursor`, `follow`. */
export function parseAuditRequest(params: URLSearchParams, now = Date.now()): AuditRequest {
  const known = new Set(['client_id', 'decision_id', 'phase', 'outcome', 'since', 'until', 'limit', 'cursor', 'follow']);
  for (const k of params.keys()) if (!known.has(k)) throw new AuditQueryError(k, `unknown query parameter ${JSON.stringify(k.slice(0, 40))}`);
  const one = (name: string): string | undefined => {
    const all = params.getAll(name);
    if (all.length > 1) throw new AuditQueryError(name, `${name} is given more than once`);
    if (all[0] === '') throw new AuditQueryError(name, `${name} is empty`);
    return all[0];
  };
  const filter: AuditFilter = {};
  const clientId = one('client_id');
  if (clientId !== undefined) {
    if (clientId.length > maxIdLength) throw new AuditQueryError('client_id', 'client_id is too long');
    filter.clientId = clientId;
  }
  const decisionId = one('decision_id');
  if (decisionId !== undefined) {
    if (decisionId.length > maxIdLength) throw new AuditQueryError('decision_id', 'decision_id is too long');
    filter.decisionId = decisionId;
  }
  const phase = one('phase');
  if (phase !== undefined) {
    if (!(auditPhases as readonly string[]).includes(phase)) throw new AuditQueryError('phase', `phase must be one of ${auditPhases.join(', ')}`);
    filter.phase = phase as AuditPhase;
  }
  const outcome = one('outcome');
  if (outcome !== undefined) {
    if (!(auditOutcomes as readonly string[]).includes(outcome)) throw new AuditQueryError('outcome', `outcome must be one of ${auditOutcomes.join(', ')}`);
    filter.outcome = outcome as AuditOutcome;
  }
  const since = one('since');
  if (since !== undefined) filter.since = parseAuditTime('since', since, now);
  const until = one('until');
  if (until !== undefined) filter.until = parseAuditTime('until', until, now);
  if (filter.since !== undefined && filter.until !== undefined && filter.since > filter.until) throw new AuditQueryError('until', 'until is before since');
  const limitText = one('limit');
  let limit: number = auditQueryLimits.defaultLimit;
  if (limitText !== undefined) {
    limit = /^\d{1,4}$/.test(limitText) ? Number(limitText) : Number.NaN;
    if (!(limit >= 1 && limit <= auditQueryLimits.maxLimit)) throw new AuditQueryError('limit', `limit must be an integer from 1 to ${auditQueryLimits.maxLimit}`);
  }
  const cursor = one('cursor');
  if (cursor !== undefined) parseCursor(cursor);
  const followText = one('follow');
  if (followText !== undefined && !/^(?:true|false|1|0)$/.test(followText)) throw new AuditQueryError('follow', 'follow must be true or false');
  const follow = followText === 'true' || followText === '1';
  if (follow && filter.until !== undefined) throw new AuditQueryError('follow', 'follow cannot be combined with until');
  return { filter, limit, follow, ...(cursor !== undefined ? { cursor } : {}) };
}

/** How many records match `filter` (pages through them: for tests and operators, not hot paths). */
export async function countAuditRecords(bus: BusConnection, filter: AuditFilter = {}): Promise<number> {
  let n = 0;
  let cursor: string | undefined;
  do {
    const page = await queryAudit(bus, filter, { limit: auditQueryLimits.maxLimit, ...(cursor !== undefined ? { cursor } : {}) });
    n += page.records.length;
    cursor = page.next ?? undefined;
  } while (cursor !== undefined);
  return n;
}
