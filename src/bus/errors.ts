// Errors that cross NATS as data: a reply is either `{ ok: true, value }` or `{ ok: false, error }`,
// where `error` is an envelope the caller turns back into its own typed error at the edge.

/** What kind of failure an envelope carries; `protocol` carries a wire code (e.g. an OAuth error). */
export type ErrorKind = 'protocol' | 'unavailable' | 'timeout' | 'conflict' | 'internal';

export interface ErrorEnvelope {
  kind: ErrorKind;
  /** Protocol wire code, e.g. `invalid_client`, when kind is `protocol`. */
  code?: string;
  /** HTTP status the edge should use for a protocol error. */
  status?: number;
  description: string;
}

export type Reply<T> = { ok: true; value: T } | { ok: false; error: ErrorEnvelope };

/** A failure of the bus itself or of a remote handler, carried as an envelope. */
export class BusError extends Error {
  override readonly name = 'BusError';
  readonly kind: ErrorKind;
  readonly envelope: ErrorEnvelope;
  constructor(envelope: ErrorEnvelope, options?: { cause?: unknown }) {
    super(envelope.description, options);
    this.kind = envelope.kind;
    this.envelope = envelope;
  }
  /** True when retrying later may succeed (the edge answers 503 + Retry-After). */
  get retryable(): boolean {
    return this.kind === 'unavailable' || this.kind === 'timeout' || this.kind === 'conflict';
  }
}

export function unavailable(description: string, cause?: unknown): BusError {
  return new BusError({ kind: 'unavailable', description }, { cause });
}

export function timedOut(description: string, cause?: unknown): BusError {
  return new BusError({ kind: 'timeout', description }, { cause });
}

/** Revision compare-and-set lost: someone wrote the key after the revision we last saw. */
export class RevisionConflictError extends BusError {
  readonly key: string;
  constructor(key: string, description: string) {
    super({ kind: 'conflict', description: `revision conflict on ${key}: ${description}` });
    this.key = key;
  }
}
