// Opaque access tokens: 256 random bits, base64url; only their SHA-256 is ever stored.
import { hash, randomBytes } from 'node:crypto';

const batch = 256;
let pool = Buffer.alloc(0);
let offset = 0;

/** 32 random bytes, drawn from a buffer refilled 256 tokens at a time (one syscall per batch). */
function random32(): Buffer {
  if (offset + 32 > pool.length) {
    pool = randomBytes(32 * batch);
    offset = 0;
  }
  const out = pool.subarray(offset, offset + 32);
  offset += 32;
  return out;
}

/** Hex SHA-256 of a token: its key in storage and in events. */
export function hashToken(token: string): string {
  // The one-shot digest: no Hash object per token (it is on every token and introspection request).
  return hash('sha256', token, 'hex');
}

export function mintOpaqueToken(): { token: string; hash: string } {
  const token = random32().toString('base64url');
  return { token, hash: hashToken(token) };
}

/** A token as it may arrive: base64url-ish, bounded length (anything else cannot be ours). */
export function isPlausibleToken(token: string): boolean {
  return token.length >= 16 && token.length <= 512 && /^[\x21-\x7e]+$/.test(token);
}
