// BoundedFetcher: the one way Portcullis fetches a URL a client gave it. A GET with a deadline, a body
// size bound, no redirects, a bound on fetches in flight, and a connect only to public addresses (checked
// on the address actually connected to, so DNS rebinding cannot slip past) unless the allowlist names it.
import { lookup as dnsLookup } from 'node:dns';
import { type IncomingHttpHeaders, type IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { type LookupFunction, isIP } from 'node:net';
import { AddressAllowlist, isNonPublicAddress } from './address-policy.js';
import { FetchRefused } from './errors.js';
import { type FetchBounds, defaultFetchBounds } from './options.js';

/** A JSON document as fetched: its parsed value and the response headers (for caching). */
export interface FetchedJson {
  value: unknown;
  headers: IncomingHttpHeaders;
  /** Epoch ms when the response arrived. */
  fetchedAt: number;
}

export class BoundedFetcher {
  readonly bounds: FetchBounds;
  readonly #allowlist: AddressAllowlist;
  #inFlight = 0;

  constructor(bounds: Partial<FetchBounds> = {}) {
    this.bounds = { ...defaultFetchBounds, ...bounds };
    for (const k of ['maxBytes', 'timeoutMs', 'maxInFlight'] as const) {
      const v = this.bounds[k];
      if (!Number.isInteger(v) || v < 1) throw new TypeError(`${k} must be a positive integer, got ${v}`);
    }
    this.#allowlist = new AddressAllowlist(this.bounds.allowlist);
  }

  /** Fetches in flight right now (for metrics). */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** GETs `url` and parses its body as JSON; every refusal is a FetchRefused naming its reason. */
  async fetchJson(url: string, accept = 'application/json'): Promise<FetchedJson> {
    const target = this.#checkUrl(url);
    if (this.#inFlight >= this.bounds.maxInFlight) {
      throw new FetchRefused('busy', url, `too many outbound fetches in flight (at most ${this.bounds.maxInFlight})`);
    }
    this.#inFlight++;
    try {
      const { body, headers } = await this.#get(target, accept);
      let value: unknown;
      try {
        value = JSON.parse(body.toString('utf8'));
      } catch (err) {
        throw new FetchRefused('json', url, `${url} did not return valid JSON`, { cause: err });
      }
      return { value, headers, fetchedAt: Date.now() };
    } finally {
      this.#inFlight--;
    }
  }

  #checkUrl(url: string): URL {
    let u: URL;
    try {
      u = new URL(url);
    } catch (err) {
      throw new FetchRefused('url', url, 'not an absolute URL', { cause: err });
    }
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && this.bounds.allowHttp)) {
      throw new FetchRefused('scheme', url, `only https URLs are fetched, not ${u.protocol}`);
    }
    if (u.username !== '' || u.password !== '') throw new FetchRefused('url', url, 'URLs with credentials are not fetched');
    const host = u.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) !== 0 && !this.#addressAllowed(host, u.hostname)) {
      throw new FetchRefused('address', url, `${host} is a loopback, private, link-local or reserved address`);
    }
    return u;
  }

  #addressAllowed(address: string, host: string): boolean {
    return !isNonPublicAddress(address) || this.#allowlist.allowsHost(host) || this.#allowlist.allowsAddress(address);
  }

  #get(u: URL, accept: string): Promise<{ body: Buffer; headers: IncomingHttpHeaders }> {
    const url = u.href;
    const { maxBytes, timeoutMs } = this.bounds;
    const lookup: LookupFunction = (hostname, options, callback) => {
      dnsLookup(hostname, { all: true, verbatim: true, family: options.family }, (err, addresses) => {
        if (err) return callback(new FetchRefused('dns', url, `cannot resolve ${hostname}: ${err.code ?? err.message}`, { cause: err }), '', 4);
        const bad = addresses.find((a) => !this.#addressAllowed(a.address, hostname));
        if (bad !== undefined || addresses.length === 0) {
          return callback(new FetchRefused('address', url, `${hostname} resolves to ${bad?.address ?? 'nothing'}, a loopback, private, link-local or reserved address`), '', 4);
        }
        if (options.all) return callback(null, addresses);
        const first = addresses[0];
        return callback(null, first?.address ?? '', first?.family ?? 4);
      });
    };
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (err: FetchRefused): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(err);
      };
      const make = u.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = make(u, { method: 'GET', agent: false, lookup, headers: { accept, 'accept-encoding': 'identity', 'user-agent': 'portcullis' } });
      const timer = setTimeout(() => fail(new FetchRefused('timeout', url, `${url} did not answer within ${timeoutMs} ms`)), timeoutMs);
      req.on('error', (err) => fail(err instanceof FetchRefused ? err : new FetchRefused('network', url, `fetching ${url} failed: ${err.message}`, { cause: err })));
      req.on('response', (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) return fail(new FetchRefused('redirect', url, `${url} answered with a redirect (${status}); redirects are not followed`));
        if (status !== 200) return fail(new FetchRefused('status', url, `${url} answered with status ${status}`));
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes) return fail(new FetchRefused('too_large', url, `${url} is larger than ${maxBytes} bytes`));
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) return fail(new FetchRefused('too_large', url, `${url} is larger than ${maxBytes} bytes`));
          chunks.push(chunk);
        });
        res.on('error', (err) => fail(new FetchRefused('network', url, `reading ${url} failed: ${err.message}`, { cause: err })));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ body: Buffer.concat(chunks), headers: res.headers });
        });
      });
      req.end();
    });
  }
}
