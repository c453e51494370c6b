// AdminError: the admin API's error type (its own small protocol), carried over NATS as an envelope
// and rendered at the edge in the same `{ error, error_description }` form as OAuth errors.
import type { ErrorEnvelope } from '../bus/index.js';

export type AdminErrorCode = 'not_found' | 'conflict' | 'invalid_request' | 'unauthorized';

const statusOf: Record<AdminErrorCode, number> = { not_found: 404, conflict: 409, invalid_request: 400, unauthorized: 401 };

export class AdminError extends Error {
  override readonly name = 'AdminError';
  readonly error: AdminErrorCode;
  readonly status: number;

  constructor(error: AdminErrorCode, description: string) {
    super(description);
    this.error = error;
    this.status = statusOf[error];
  }

  toJSON(): { error: AdminErrorCode; error_description: string } {
    return { error: this.error, error_description: this.message };
  }

  toEnvelope(): ErrorEnvelope {
    return { kind: 'protocol', code: this.error, status: this.status, description: this.message };
  }
}
