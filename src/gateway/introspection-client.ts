// The gateway's fallback: RFC 7662 introspection at the server, as the resource server's client, with a
// deadline. Used on a cache miss and always for single-use tokens (only the server may consume them).
import type { IntrospectionResponse } from '../oauth/index.js';

export interface IntrospectionClientOptions {
  /** The server's base URL, e.g. `https://auth.example.com`. */
  url: string;
  clientId: string;
  clientSecret: string;
  /** Sent as User-Agent, so the server's environment matches the local one. */
  userAgent: string;
  timeoutMs: number;
}

export class IntrospectionUnavailableError extends Error {
  override readonly name = 'IntrospectionUnavailableError';
}

export class IntrospectionClient {
  readonly #o: IntrospectionClientOptions;
  readonly #auth: string;

  constructor(opts: IntrospectionClientOptions) {
    this.#o = opts;
    this.#auth = `Basic ${Buffer.from(`${encodeURIComponent(opts.clientId)}:${encodeURIComponent(opts.clientSecret)}`).toString('base64')}`;
  }

  async introspect(token: string, rsContext: Record<string, unknown>): Promise<IntrospectionResponse> {
    let res: Response;
    try {
      res = await fetch(`${this.#o.url}/introspect`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: this.#auth, 'User-Agent': this.#o.userAgent },
        body: JSON.stringify({ token, rs_context: rsContext }),
        signal: AbortSignal.timeout(this.#o.timeoutMs),
      });
    } catch (err) {
      throw new IntrospectionUnavailableError(`introspection at ${this.#o.url} failed: ${(err as Error).message}`, { cause: err });
    }
    const text = await res.text();
    if (res.status === 503) throw new IntrospectionUnavailableError('the server is temporarily unavailable');
    if (res.status !== 200) throw new TypeError(`introspection answered ${res.status}: ${text.slice(0, 200)} (are the gateway's client credentials right?)`);
    return JSON.parse(text) as IntrospectionResponse;
  }
}
