// OAuthError: the one error type of the OAuth protocols, carrying a wire code from a closed union.
// It crosses NATS as data (`toEnvelope`) and is rendered only at the HTTP edge (`toJSON`).
import type { ErrorEnvelope } from '../bus/index.js';

/** Wire codes from RFC 6749 §5.2, RFC 6750 §3.1, RFC 7009 §2.2.1, RFC 8707 §2, RFC 7591 §3.2.2, RFC 9449 §5/§8. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'access_denied'
  | 'unsupported_token_type'
  | 'invalid_token'
  | 'invalid_client_metadata'
  | 'invalid_software_statement'
  | 'unapproved_software_statement'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  | 'server_error'
  | 'temporarily_unavailable';

const codes: ReadonlySet<string> = new Set<OAuthErrorCode>([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_target',
  'access_denied',
  'unsupported_token_type',
  'invalid_token',
  'invalid_client_metadata',
  'invalid_software_statement',
  'unapproved_software_statement',
  'invalid_dpop_proof',
  'use_dpop_nonce',
  'server_error',
  'temporarily_unavailable',
]);

const defaultStatus: Partial<Record<OAuthErrorCode, number>> = {
  invalid_client: 401,
  invalid_token: 401,
  server_error: 500,
  temporarily_unavailable: 503,
};

export function isOAuthErrorCode(code: string): code is OAuthErrorCode {
  return codes.has(code);
}

export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  readonly error: OAuthErrorCode;
  readonly status: number;
  readonly description: string;
  /** HTTP headers the edge adds to this error's answer (e.g. `DPoP-Nonce` with use_dpop_nonce, RFC 9449 §8). */
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(error: OAuthErrorCode, description: string, options?: { status?: number; cause?: unknown; headers?: Record<string, string> }) {
    super(description, { cause: options?.cause });
    this.error = error;
    this.description = description;
    this.status = options?.status ?? defaultStatus[error] ?? 400;
    this.headers = options?.headers;
  }

  /** The wire form (RFC 6749 §5.2). */
  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.description };
  }

  toEnvelope(): ErrorEnvelope {
    return { kind: 'protocol', code: this.error, status: this.status, description: this.description };
  }

  static fromEnvelope(env: ErrorEnvelope): OAuthError | undefined {
    if (env.kind !== 'protocol' || !env.code || !isOAuthErrorCode(env.code)) return undefined;
    return new OAuthError(env.code, env.description, { status: env.status });
  }
}
