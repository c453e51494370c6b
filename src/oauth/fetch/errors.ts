// FetchRefused: why an outbound fetch was refused or failed. Callers wrap it in the OAuthError of their
// protocol (invalid_client for CIMD and jwks_uri, invalid_software_statement for issuer keys).

export type FetchRefusal =
  | 'url'
  | 'scheme'
  | 'address'
  | 'dns'
  | 'busy'
  | 'timeout'
  | 'redirect'
  | 'status'
  | 'too_large'
  | 'network'
  | 'json';

export class FetchRefused extends Error {
  override readonly name = 'FetchRefused';
  readonly reason: FetchRefusal;
  readonly url: string;

  constructor(reason: FetchRefusal, url: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
    this.url = url;
  }
}
