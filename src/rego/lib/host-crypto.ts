// Host builtins of OPA's crypto and io.jwt families that the Wasm runtime does not compile in: digests,
// HMACs and JWS signature checks (io.jwt.verify_*, io.jwt.decode_verify) over node:crypto.
import { createHash, createHmac, createPrivateKey, createPublicKey, sign, timingSafeEqual, verify, X509Certificate, constants, type KeyObject } from 'node:crypto';

import { BuiltinError, operandError } from './builtin-error.js';

type Builtin = (...args: unknown[]) => unknown;

function str(v: unknown, name: string, pos: number): string {
  if (typeof v !== 'string') throw operandError(`${name}: operand ${pos} must be string but got ${v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v}`);
  return v;
}

const digest = (alg: string, name: string): Builtin => (x) => createHash(alg).update(str(x, name, 1)).digest('hex');
const hmac = (alg: string, name: string): Builtin => (x, key) => createHmac(alg, str(key, name, 2)).update(str(x, name, 1)).digest('hex');

interface Jws {
  header: Record<string, unknown>;
  payload: unknown;
  signingInput: Buffer;
  signature: Buffer;
}

function parseJws(token: string, name: string): Jws {
  const parts = token.split('.');
  if (parts.length === 1) throw new BuiltinError(`${name}: encoded JWT had no period separators`);
  if (parts.length !== 3) throw new BuiltinError(`${name}: encoded JWT must have 3 sections, found ${parts.length}`);
  const [h, p, s] = parts as [string, string, string];
  let header: unknown;
  let payload: unknown;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  } catch {
    throw new BuiltinError(`${name}: failed to decode JWT`);
  }
  if (typeof header !== 'object' || header === null) throw new BuiltinError(`${name}: JWT header is not an object`);
  return { header: header as Record<string, unknown>, payload, signingInput: Buffer.from(`${h}.${p}`), signature: Buffer.from(s, 'base64url') };
}

/** Keys from a PEM certificate or public key, a JWK or a JWK set given as JSON text. */
function publicKeys(material: string): KeyObject[] {
  const text = material.trim();
  if (text.startsWith('{')) {
    const jwk = JSON.parse(text) as { keys?: unknown[] };
    const list = Array.isArray(jwk.keys) ? jwk.keys : [jwk];
    return list.map((k) => createPublicKey({ key: k as never, format: 'jwk' }));
  }
  if (text.includes('BEGIN CERTIFICATE')) return [new X509Certificate(text).publicKey];
  return [createPublicKey(text)];
}

const HASH: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

function verifySignature(alg: string, jws: Jws, keyMaterial: string): boolean {
  const family = alg.slice(0, 2);
  const hash = HASH[alg.slice(2)];
  if (alg === 'EdDSA') return publicKeys(keyMaterial).some((k) => verify(null, jws.signingInput, k, jws.signature));
  if (!hash) return false;
  if (family === 'HS') {
    const mac = createHmac(hash, keyMaterial).update(jws.signingInput).digest();
    return mac.length === jws.signature.length && timingSafeEqual(mac, jws.signature);
  }
  return publicKeys(keyMaterial).some((key) => {
    if (family === 'RS') return verify(hash, jws.signingInput, key, jws.signature);
    if (family === 'PS') return verify(hash, jws.signingInput, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, jws.signature);
    if (family === 'ES') return verify(hash, jws.signingInput, { key, dsaEncoding: 'ieee-p1363' }, jws.signature);
    return false;
  });
}

function verifier(alg: string): Builtin {
  const name = `io.jwt.verify_${alg.toLowerCase()}`;
  return (token, key) => {
    const jws = parseJws(str(token, name, 1), name);
    try {
      return verifySignature(alg, jws, str(key, name, 2));
    } catch (err) {
      if (err instanceof BuiltinError) throw err;
      throw new BuiltinError(`${name}: ${(err as Error).message}`);
    }
  };
}

/** io.jwt.decode_verify(jwt, constraints) → [valid, header, payload], as OPA checks them. */
function decodeVerify(nowNs: () => number): Builtin {
  const name = 'io.jwt.decode_verify';
  return (token, constraints) => {
    const invalid = [false, {}, {}];
    if (typeof constraints !== 'object' || constraints === null || Array.isArray(constraints)) throw operandError(`${name}: operand 2 must be object but got ${Array.isArray(constraints) ? 'array' : constraints === null ? 'null' : typeof constraints}`);
    const c = constraints as Record<string, unknown>;
    const jws = parseJws(str(token, name, 1), name);
    const alg = typeof jws.header.alg === 'string' ? jws.header.alg : '';
    if (typeof c.alg === 'string' && c.alg !== alg) return invalid;
    const material = alg.startsWith('HS') ? c.secret : c.cert;
    if (typeof material !== 'string') return invalid;
    let ok: boolean;
    try {
      ok = verifySignature(alg, jws, material);
    } catch {
      ok = false;
    }
    if (!ok || typeof jws.payload !== 'object' || jws.payload === null) return invalid;
    const claims = jws.payload as Record<string, unknown>;
    const now = typeof c.time === 'number' ? c.time : nowNs();
    if (typeof claims.exp === 'number' && now >= claims.exp * 1e9) return invalid;
    if (typeof claims.nbf === 'number' && now < claims.nbf * 1e9) return invalid;
    if (typeof c.iss === 'string' && claims.iss !== c.iss) return invalid;
    const aud = claims.aud;
    if (aud !== undefined) {
      if (typeof c.aud !== 'string') return invalid;
      if (!(aud === c.aud || (Array.isArray(aud) && aud.includes(c.aud)))) return invalid;
    } else if (typeof c.aud === 'string') return invalid;
    return [true, jws.header, claims];
  };
}

function obj(v: unknown, name: string, pos: number): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw operandError(`${name}: operand ${pos} must be object but got ${v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v}`);
  return v as Record<string, unknown>;
}

/** A JSON value as OPA's term String() writes it: sorted keys, `", "` and `": "` separators. */
function regoText(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(regoText).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}: ${regoText((v as Record<string, unknown>)[k])}`).join(', ')}}`;
  }
  return JSON.stringify(v);
}

/** Go's encoding/json error for text that is not one JSON value. */
function goJsonError(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch {
    if (text.trim() === '') return 'unexpected end of JSON input';
    return 'invalid character in JSON input';
  }
}

const SIGN_ALGS = new Set(['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']);

/** A JWK's key material for signing: the secret of an `oct` key, else a private key object. */
function signingKey(jwkText: string, name: string): { secret?: Buffer; key?: KeyObject } {
  let jwk: Record<string, unknown>;
  try {
    jwk = JSON.parse(jwkText) as Record<string, unknown>;
  } catch {
    throw new BuiltinError(`${name}: ${goJsonError(jwkText) ?? 'invalid JWK'}`);
  }
  if (jwk.kty === 'oct') {
    if (typeof jwk.k !== 'string') throw new BuiltinError(`${name}: invalid JWK: missing "k"`);
    return { secret: Buffer.from(jwk.k, 'base64url') };
  }
  try {
    return { key: createPrivateKey({ key: jwk as never, format: 'jwk' }) };
  } catch (err) {
    throw new BuiltinError(`${name}: failed to parse JWK: ${(err as Error).message}`);
  }
}

/** OPA's io.jwt.encode_sign(_raw): a JWS compact serialization of header and payload (as given). */
function encodeSign(name: string, headerText: string, payloadText: string, jwkText: string): string {
  const headerErr = goJsonError(headerText);
  if (headerErr) throw new BuiltinError(`${name}: ${headerErr}`);
  const header = JSON.parse(headerText) as unknown;
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new BuiltinError(`${name}: invalid JWS header`);
  const h = header as Record<string, unknown>;
  if (h.alg === undefined) throw new BuiltinError(`${name}: unsupported signature algorithm`);
  const alg = String(h.alg);
  if (!SIGN_ALGS.has(alg)) throw new BuiltinError(`${name}: unknown signature algorithm`);
  if (h.typ === undefined || h.typ === 'JWT') {
    let payload: unknown;
    try {
      payload = JSON.parse(payloadText);
    } catch {
      payload = undefined;
    }
    if (typeof payload !== 'object' || payload === null) throw new BuiltinError(`${name}: type is JWT but payload is not JSON`);
  }
  const input = `${Buffer.from(headerText).toString('base64url')}.${Buffer.from(payloadText).toString('base64url')}`;
  const { secret, key } = signingKey(jwkText, name);
  const hash = HASH[alg.slice(2)];
  let sig: Buffer;
  const family = alg.slice(0, 2);
  if (family === 'HS') {
    if (!secret || !hash) throw new BuiltinError(`${name}: invalid key for ${alg}`);
    sig = createHmac(hash, secret).update(input).digest();
  } else {
    if (!key) throw new BuiltinError(`${name}: invalid key for ${alg}`);
    if (alg === 'EdDSA') sig = sign(null, Buffer.from(input), key);
    else if (family === 'RS') sig = sign(hash as string, Buffer.from(input), key);
    else if (family === 'PS') sig = sign(hash as string, Buffer.from(input), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
    else sig = sign(hash as string, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  }
  return `${input}.${sig.toString('base64url')}`;
}

export function cryptoBuiltins(nowNs: () => number): Record<string, Builtin> {
  const out: Record<string, Builtin> = {
    'crypto.md5': digest('md5', 'crypto.md5'),
    'crypto.sha1': digest('sha1', 'crypto.sha1'),
    'crypto.sha256': digest('sha256', 'crypto.sha256'),
    'crypto.hmac.md5': hmac('md5', 'crypto.hmac.md5'),
    'crypto.hmac.sha1': hmac('sha1', 'crypto.hmac.sha1'),
    'crypto.hmac.sha256': hmac('sha256', 'crypto.hmac.sha256'),
    'crypto.hmac.sha512': hmac('sha512', 'crypto.hmac.sha512'),
    'crypto.hmac.equal': (a, b) => {
      const x = Buffer.from(str(a, 'crypto.hmac.equal', 1));
      const y = Buffer.from(str(b, 'crypto.hmac.equal', 2));
      return x.length === y.length && timingSafeEqual(x, y);
    },
    'io.jwt.decode_verify': decodeVerify(nowNs),
    'io.jwt.encode_sign': (header, payload, key) => {
      const name = 'io.jwt.encode_sign';
      return encodeSign(name, regoText(obj(header, name, 1)), regoText(obj(payload, name, 2)), JSON.stringify(obj(key, name, 3)));
    },
    'io.jwt.encode_sign_raw': (header, payload, key) => {
      const name = 'io.jwt.encode_sign_raw';
      return encodeSign(name, str(header, name, 1), str(payload, name, 2), str(key, name, 3));
    },
  };
  for (const fam of ['HS', 'RS', 'PS', 'ES']) for (const bits of ['256', '384', '512']) out[`io.jwt.verify_${fam.toLowerCase()}${bits}`] = verifier(`${fam}${bits}`);
  return out;
}
