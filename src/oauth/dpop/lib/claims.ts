// Small checks over decoded JOSE members, private to dpop/.
import type { JWK } from 'jose';

/** JWK members that only private or symmetric keys have (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2). */
export const privateJwkMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A NumericDate (RFC 7519 §2): a finite, non-negative number of seconds. */
export function isNumericDate(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

export const compactJwsPattern = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** A JSON object with a string `kty` is shaped as a JWK; importJWK checks the rest. */
export function isJwkShaped(v: unknown): v is JWK {
  return isObject(v) && typeof v.kty === 'string';
}
