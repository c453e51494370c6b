// How long a fetched document may be cached, from its Cache-Control and Expires headers (RFC 9111 §4.2.1),
// clamped to the operator's bounds: a hostile server can neither pin a document forever nor make
// Portcullis refetch it on every request.
import type { IncomingHttpHeaders } from 'node:http';
import type { CacheBounds } from './options.js';

/** Milliseconds the response may be reused, within [minTtlMs, maxTtlMs]. */
export function cacheLifetime(headers: IncomingHttpHeaders, bounds: CacheBounds, now = Date.now()): number {
  const clamp = (ms: number): number => Math.min(bounds.maxTtlMs, Math.max(bounds.minTtlMs, ms));
  const cc = String(headers['cache-control'] ?? '').toLowerCase();
  const directives = new Map<string, string>();
  for (const part of cc.split(',')) {
    const [name, value] = part.trim().split('=', 2);
    if (name) directives.set(name, (value ?? '').replace(/^"|"$/g, ''));
  }
  if (directives.has('no-store') || directives.has('no-cache')) return bounds.minTtlMs;
  const maxAge = directives.get('max-age');
  if (maxAge !== undefined && /^\d{1,10}$/.test(maxAge)) {
    const age = Number(headers.age);
    return clamp(Number(maxAge) * 1000 - (Number.isFinite(age) && age > 0 ? age * 1000 : 0));
  }
  const expires = headers.expires;
  if (expires !== undefined) {
    const at = Date.parse(expires);
    if (Number.isNaN(at)) return bounds.minTtlMs; // RFC 9111 §5.3: an invalid Expires means already expired
    const date = headers.date === undefined ? Number.NaN : Date.parse(headers.date);
    return clamp(at - (Number.isNaN(date) ? now : date));
  }
  return clamp(bounds.defaultTtlMs);
}
