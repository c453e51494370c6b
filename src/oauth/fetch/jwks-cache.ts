// JwksCache: the verification keys of a client or a software-statement issuer, from an inline `jwks` or
// fetched from a `jwks_uri` through the BoundedFetcher. Fetched sets are cached per their HTTP caching
// headers within bounds, a bounded number of them, and refetched once when a JWS names a key (kid) the
// cached set lacks — at most once per cooldown, so unknown kids cannot make Portcullis hammer a server.
import { type JSONWebKeySet, type JWSHeaderParameters, type KeyLike, createLocalJWKSet, errors } from 'jose';
import type { BoundedFetcher } from './bounded-fetcher.js';
import { cacheLifetime } from './cache-lifetime.js';
import { ExpiringCache } from './expiring-cache.js';
import { type CacheBounds, defaultCacheBounds } from './options.js';

/** Where a party's keys are: exactly one of the two (RFC 7591 §2). */
export interface JwksSource {
  jwks?: unknown;
  jwks_uri?: string;
}

export interface JwksCacheBounds extends CacheBounds {
  /** Shortest time between two fetches of one jwks_uri caused by an unknown kid, ms (default 30,000). */
  refreshCooldownMs: number;
}

type LocalSet = ReturnType<typeof createLocalJWKSet>;

interface Fetched {
  set: LocalSet;
  fetchedAt: number;
}

/** Why no key was found: the set has none matching the JWS header, or it is not a valid JWK Set. */
export class NoMatchingKey extends Error {
  override readonly name = 'NoMatchingKey';
}

function localSet(jwks: unknown): LocalSet {
  try {
    return createLocalJWKSet(jwks as JSONWebKeySet);
  } catch (err) {
    throw new NoMatchingKey('the key set is not a valid JWK Set', { cause: err });
  }
}

export class JwksCache {
  readonly #fetcher: BoundedFetcher;
  readonly #bounds: JwksCacheBounds;
  readonly #remote: ExpiringCache<Fetched>;
  /** Inline sets by object (records kept in memory) and by content (records decoded afresh per message). */
  readonly #inline = new WeakMap<object, LocalSet>();
  readonly #inlineByContent: ExpiringCache<LocalSet>;
  readonly #pending = new Map<string, Promise<Fetched>>();
  readonly #now: () => number;

  constructor(fetcher: BoundedFetcher, bounds: Partial<JwksCacheBounds> = {}, now: () => number = Date.now) {
    this.#fetcher = fetcher;
    this.#bounds = { ...defaultCacheBounds, refreshCooldownMs: 30_000, ...bounds };
    this.#remote = new ExpiringCache(this.#bounds.maxEntries);
    this.#inlineByContent = new ExpiringCache(this.#bounds.maxEntries);
    this.#now = now;
  }

  /**
   * The public keys in `source` that may verify a JWS with this header (by kty, alg, kid, use, key_ops).
   * Rejects with NoMatchingKey when there is none, or with FetchRefused when the jwks_uri cannot be fetched.
   */
  async keysFor(source: JwksSource, header: JWSHeaderParameters): Promise<(KeyLike | Uint8Array)[]> {
    if (source.jwks !== undefined && source.jwks !== null) {
      if (typeof source.jwks !== 'object') throw new NoMatchingKey('jwks is not a JWK Set');
      let set = this.#inline.get(source.jwks);
      if (set === undefined) {
        const content = JSON.stringify(source.jwks);
        set = this.#inlineByContent.get(content);
        if (set === undefined) {
          set = localSet(source.jwks);
          this.#inlineByContent.set(content, set, Number.POSITIVE_INFINITY);
        }
        this.#inline.set(source.jwks, set);
      }
      return candidates(set, header);
    }
    if (typeof source.jwks_uri !== 'string') throw new NoMatchingKey('no jwks or jwks_uri to take keys from');
    const uri = source.jwks_uri;
    let entry = this.#remote.get(uri, this.#now()) ?? (await this.#fetch(uri));
    try {
      return await candidates(entry.set, header);
    } catch (err) {
      if (!(err instanceof NoMatchingKey) || this.#now() - entry.fetchedAt < this.#bounds.refreshCooldownMs) throw err;
    }
    entry = await this.#fetch(uri);
    return candidates(entry.set, header);
  }

  #fetch(uri: string): Promise<Fetched> {
    const inFlight = this.#pending.get(uri);
    if (inFlight !== undefined) return inFlight;
    const p = (async () => {
      const doc = await this.#fetcher.fetchJson(uri, 'application/jwk-set+json, application/json');
      const entry = { set: localSet(doc.value), fetchedAt: this.#now() };
      this.#remote.set(uri, entry, entry.fetchedAt + cacheLifetime(doc.headers, this.#bounds, entry.fetchedAt));
      return entry;
    })().finally(() => this.#pending.delete(uri));
    this.#pending.set(uri, p);
    return p;
  }
}

async function candidates(set: LocalSet, header: JWSHeaderParameters): Promise<(KeyLike | Uint8Array)[]> {
  try {
    return [await set(header)];
  } catch (err) {
    if (err instanceof errors.JWKSMultipleMatchingKeys) {
      const keys: (KeyLike | Uint8Array)[] = [];
      for await (const k of err as errors.JWKSMultipleMatchingKeys & AsyncIterable<KeyLike>) keys.push(k);
      if (keys.length > 0) return keys;
    }
    if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
      throw new NoMatchingKey(`no key in the set matches kid ${JSON.stringify(header.kid ?? null)} and alg ${header.alg}`, { cause: err });
    }
    throw new NoMatchingKey(`no usable key in the set: ${(err as Error).message}`, { cause: err });
  }
}
