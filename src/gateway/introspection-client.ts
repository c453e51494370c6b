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
  /** Largest introspection answer read, bytes; past it the answer is refused; default 1 MiB. */
  maxBytes?: number;
}

const defaultMaxBytes = 1_048_576;

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
    const text = await readBounded(res, this.#o.maxBytes ?? defaultMaxBytes, this.#o.url);
    if (res.status === 503) throw new IntrospectionUnavailableError('the server is temporarily unavailable');
    if (res.status !== 200) throw new TypeError(`introspection answered ${res.status}: ${text.slice(0, 200)} (are the gateway's client credentials right?)`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw new IntrospectionUnavailableError(`introspection at ${this.#o.url} answered 200 with a body that is not JSON`, { cause: err });
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new IntrospectionUnavailableError(`introspection at ${this.#o.url} answered 200 with a body that is not a JSON object`);
    }
    return body as IntrospectionResponse;
  }
}

/** The body as text, refused (and the stream cancelled) once it passes `maxBytes`. */
async function readBounded(res: Response, maxBytes: number, url: string): Promise<string> {
  const tooLarge = (): IntrospectionUnavailableError => new IntrospectionUnavailableError(`introspection at ${url} answered more than ${maxBytes} bytes`);
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof IntrospectionUnavailableError) throw err;
    throw new IntrospectionUnavailableError(`introspection at ${url} failed while reading: ${(err as Error).message}`, { cause: err });
  }
  return Buffer.concat(chunks).toString('utf8');
}
