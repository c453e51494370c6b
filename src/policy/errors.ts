// The policy plane's one error type: a code from a closed union, so it can cross threads and NATS as
// data and be mapped at the HTTP edge (overload and worker failures become 503 with Retry-After).
import type { PolicyErrorCode, PolicyErrorData } from './types.js';

export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  /** The Rego evaluation error code (eval_conflict_error, …) when evaluation failed. */
  readonly evalCode: string | undefined;
  constructor(
    readonly code: PolicyErrorCode,
    message: string,
    options?: { cause?: unknown; evalCode?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.evalCode = options?.evalCode;
  }
  /** True when retrying later may succeed (overload, worker trouble): the edge answers 503. */
  get retryable(): boolean {
    return this.code === 'policy_overloaded' || this.code === 'policy_worker_error' || this.code === 'policy_snapshot_missing';
  }
  toJSON(): PolicyErrorData {
    return { code: this.code, message: this.message, ...(this.evalCode ? { evalCode: this.evalCode } : {}) };
  }
  static fromData(d: PolicyErrorData): PolicyError {
    return new PolicyError(d.code, d.message, d.evalCode ? { evalCode: d.evalCode } : undefined);
  }
}

/** The pool's queue is full: shed load instead of queueing without bound. */
export class PolicyOverloadError extends PolicyError {
  constructor(readonly queueDepth: number, readonly maxQueue: number) {
    super('policy_overloaded', `policy decision queue is full (${queueDepth} of ${maxQueue})`);
  }
}
