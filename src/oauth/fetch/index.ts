// Outbound fetches on a client's behalf: bounded in size, time and concurrency, public addresses only.
export { AddressAllowlist, isNonPublicAddress } from './address-policy.js';
export { BoundedFetcher, type FetchedJson } from './bounded-fetcher.js';
export { cacheLifetime } from './cache-lifetime.js';
export { FetchRefused, type FetchRefusal } from './errors.js';
export { ExpiringCache } from './expiring-cache.js';
export { type CacheBounds, type FetchBounds, defaultCacheBounds, defaultFetchBounds } from './options.js';
export { JwksCache, type JwksCacheBounds, type JwksSource, NoMatchingKey } from './jwks-cache.js';
