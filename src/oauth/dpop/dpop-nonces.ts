// Server-provided DPoP nonces (RFC 9449 §8): issue, rotate, validate. A nonce is an HMAC of the current
// time window under a secret every host shares, so any host accepts a nonce another host issued, with no
// shared state; the previous window's nonce stays valid so a rotation does not fail proofs in flight.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface DpopNonceOptions {
  /** Shared secret, at least 32 bytes, the same on every host. */
  secret: Uint8Array;
  /** How long a nonce is issued before the next one replaces it, ms (default 300,000). */
  rotateMs?: number;
  now?: () => number;
}

export class DpopNonces {
  readonly #secret: Uint8Array;
  readonly #rotateMs: number;
  readonly #now: () => number;

  constructor(opts: DpopNonceOptions) {
    if (opts.secret.byteLength < 32) throw new TypeError('the DPoP nonce secret must be at least 32 bytes');
    this.#secret = opts.secret;
    this.#rotateMs = opts.rotateMs ?? 300_000;
    if (!Number.isInteger(this.#rotateMs) || this.#rotateMs < 1000) throw new TypeError('rotateMs must be an integer of at least 1000');
    this.#now = opts.now ?? Date.now;
  }

  #forWindow(window: number): string {
    return createHmac('sha256', this.#secret).update(`dpop-nonce:${window}`).digest('base64url').slice(0, 32);
  }

  /** The nonce to send now in the `DPoP-Nonce` header (it changes every `rotateMs`). */
  current(): string {
    return this.#forWindow(Math.floor(this.#now() / this.#rotateMs));
  }

  /** True for the current or the previous window's nonce. */
  isValid(nonce: string): boolean {
    if (nonce.length !== 32) return false;
    const w = Math.floor(this.#now() / this.#rotateMs);
    const given = Buffer.from(nonce);
    return [w, w - 1].some((x) => timingSafeEqual(given, Buffer.from(this.#forWindow(x))));
  }
}
