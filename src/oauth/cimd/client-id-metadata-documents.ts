// Resolves a client_id that is a URL by fetching its Client ID Metadata Document: through the
// BoundedFetcher (size, time, no redirects, bounded in flight, public addresses only unless allowlisted),
// one fetch at a time per URL, cached per its HTTP caching headers within bounds. The document must name
// itself as client_id, may not hold a shared secret, and is validated as RFC 7591 client metadata.
import { OAuthError } from '../errors.js';
import { type BoundedFetcher, type CacheBounds, ExpiringCache, FetchRefused, cacheLifetime, defaultCacheBounds } from '../fetch/index.js';
import { type ClientMetadata, type MetadataRules, validateClientMetadata } from '../registration/index.js';
import { checkClientIdUrl } from './client-id-url.js';

/** The metadata of a client known by its document; what policy sees as context.client. */
export interface ClientIdMetadataDocument {
  client_id: string;
  metadata: ClientMetadata;
  /** The document as fetched (extension fields included). */
  document: Record<string, unknown>;
  /** Epoch ms the document was fetched. */
  fetchedAt: number;
}

export interface CimdOptions {
  fetcher: BoundedFetcher;
  cache?: Partial<CacheBounds>;
  /** Metadata rules; the auth methods default to none and private_key_jwt (a public document holds no secret). */
  rules?: Partial<MetadataRules>;
  now?: () => number;
}

export class ClientIdMetadataDocuments {
  readonly #fetcher: BoundedFetcher;
  readonly #bounds: CacheBounds;
  readonly #rules: Partial<MetadataRules>;
  readonly #cache: ExpiringCache<ClientIdMetadataDocument>;
  readonly #pending = new Map<string, Promise<ClientIdMetadataDocument>>();
  readonly #now: () => number;

  constructor(opts: CimdOptions) {
    this.#fetcher = opts.fetcher;
    this.#bounds = { ...defaultCacheBounds, ...opts.cache };
    this.#rules = { authMethods: ['none', 'private_key_jwt'], grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'], ...opts.rules };
    this.#cache = new ExpiringCache(this.#bounds.maxEntries);
    this.#now = opts.now ?? Date.now;
  }

  /** The client's metadata, from cache or fetched; refusals are invalid_client with the reason. */
  async resolve(clientId: string): Promise<ClientIdMetadataDocument> {
    checkClientIdUrl(clientId, this.#fetcher.bounds.allowHttp);
    const cached = this.#cache.get(clientId, this.#now());
    if (cached !== undefined) return cached;
    const inFlight = this.#pending.get(clientId);
    if (inFlight !== undefined) return inFlight;
    const p = this.#fetch(clientId).finally(() => this.#pending.delete(clientId));
    this.#pending.set(clientId, p);
    return p;
  }

  async #fetch(clientId: string): Promise<ClientIdMetadataDocument> {
    let fetched: Awaited<ReturnType<BoundedFetcher['fetchJson']>>;
    try {
      fetched = await this.#fetcher.fetchJson(clientId);
    } catch (err) {
      if (err instanceof FetchRefused) throw new OAuthError('invalid_client', `the client metadata document could not be fetched: ${err.message}`, { cause: err });
      throw err;
    }
    const doc = fetched.value;
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new OAuthError('invalid_client', 'the client metadata document is not a JSON object');
    const document = doc as Record<string, unknown>;
    if (document.client_id !== clientId) throw new OAuthError('invalid_client', 'client_id in the client metadata document must equal its URL');
    for (const f of ['client_secret', 'client_secret_expires_at'] as const) {
      if (document[f] !== undefined) throw new OAuthError('invalid_client', `the client metadata document must not hold ${f}`);
    }
    let metadata: ClientMetadata;
    try {
      metadata = validateClientMetadata(document, this.#rules);
    } catch (err) {
      throw new OAuthError('invalid_client', `the client metadata document is invalid: ${(err as Error).message}`, { cause: err });
    }
    const now = this.#now();
    const entry: ClientIdMetadataDocument = { client_id: clientId, metadata, document, fetchedAt: now };
    this.#cache.set(clientId, entry, now + cacheLifetime(fetched.headers, this.#bounds, now));
    return entry;
  }
}
