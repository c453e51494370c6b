// Field checks private to registration/: each throws invalid_client_metadata naming the field.
import { OAuthError } from '../../errors.js';

export function bad(field: string, what: string): OAuthError {
  return new OAuthError('invalid_client_metadata', `${field} ${what}`);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function optString(obj: Record<string, unknown>, field: string, max: number): string | undefined {
  const v = obj[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw bad(field, `must be a non-empty string of at most ${max} characters`);
  return v;
}

export function optStringArray(obj: Record<string, unknown>, field: string, maxItems: number, maxLength: number): string[] | undefined {
  const v = obj[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw bad(field, 'must be an array of strings');
  if (v.length > maxItems) throw bad(field, `must have at most ${maxItems} entries`);
  for (const x of v) if (typeof x !== 'string' || x.length === 0 || x.length > maxLength) throw bad(field, `must hold non-empty strings of at most ${maxLength} characters`);
  return [...new Set(v as string[])];
}

/** An absolute https URL without fragment or credentials (RFC 7591 §2: client_uri, logo_uri, jwks_uri…). */
export function optHttpsUrl(obj: Record<string, unknown>, field: string, max: number): string | undefined {
  const v = optString(obj, field, max);
  if (v === undefined) return undefined;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw bad(field, 'must be an absolute URL');
  }
  if (u.protocol !== 'https:') throw bad(field, 'must be an https URL');
  if (u.hash !== '' || v.includes('#')) throw bad(field, 'must not have a fragment');
  if (u.username !== '' || u.password !== '') throw bad(field, 'must not hold credentials');
  return v;
}
