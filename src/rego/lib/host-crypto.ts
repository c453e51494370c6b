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
  /** The payload as text (base64url-decoded); JSON for a JWT, another JWS for a nested one (`cty: JWT`). */
  payloadText: string;
  signingInput: Buffer;
  signature: Buffer;
}

function parseJws(token: string, name: string): Jws {
  const parts = token.split('.');
  if (parts.length === 1) throw new BuiltinError(`${name}: encoded JWT had no period separators`);
  if (parts.length !== 3) throw new BuiltinError(`${name}: encoded JWT must have 3 sections, found ${parts.length}`);
  const [h, p, s] = parts as [string, string, string];
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
  } catch {
    throw new BuiltinError(`${name}: failed to decode JWT`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new BuiltinError(`${name}: JWT header is not an object`);
  return { header: header as Record<string, unknown>, payloadText: Buffer.from(p, 'base64url').toString('utf8'), signingInput: Buffer.from(`${h}.${p}`), signature: Buffer.from(s, 'base64url') };
}

/** The first PEM block of `text` (as Go's pem.Decode finds it): its type, DER bytes and what follows it. */
function pemBlock(text: string): { type: string; der: Buffer; rest: string } | undefined {
  const re = /-----BEGIN ([^\r\n]*?)-----[ \t]*\r?\n([\s\S]*?)-----END \1-----[ \t]*(?:\r?\n|$)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const body = (m[2] ?? '')
      .split(/\r?\n/)
      .filter((line) => !line.includes(':')) // RFC 1421 headers ("Proc-Type: …") carry no key bytes
      .join('')
      .replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0) continue; // not a block: keep looking
    return { type: m[1] ?? '', der: Buffer.from(body, 'base64'), rest: text.slice(m.index + m[0].length) };
  }
  return undefined;
}

const JWK_TYPES = new Set(['RSA', 'EC', 'OKP', 'oct']);

/**
 * Verification keys from OPA's key operand: a PEM certificate or PEM public key (exactly one block, nothing
 * after it), else a JWK or JWK set as JSON text. Symmetric (`oct`) members of a set verify nothing here.
 * Throws with OPA's wording when the material cannot be read.
 */
function publicKeys(material: string): KeyObject[] {
  const block = pemBlock(material);
  if (block) {
    if (block.rest.length > 0) throw new Error('extra data after a PEM certificate block');
    if (block.type === 'CERTIFICATE') {
      try {
        return [new X509Certificate(block.der).publicKey];
      } catch (err) {
        throw new Error(`failed to parse a PEM certificate: ${(err as Error).message}`);
      }
    }
    if (block.type === 'PUBLIC KEY') {
      try {
        return [createPublicKey({ key: block.der, format: 'der', type: 'spki' })];
      } catch (err) {
        throw new Error(`failed to parse a PEM public key: ${(err as Error).message}`);
      }
    }
    throw new Error('failed to extract a Key from the PEM certificate');
  }
  try {
    const parsed = JSON.parse(material) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
    const keys = (parsed as { keys?: unknown }).keys;
    const list = Array.isArray(keys) ? keys : [parsed];
    const out: KeyObject[] = [];
    for (const k of list) {
      const kty = typeof k === 'object' && k !== null ? (k as { kty?: unknown }).kty : undefined;
      if (typeof kty !== 'string' || !JWK_TYPES.has(kty)) throw new Error(`invalid key type ${JSON.stringify(kty ?? null)}`);
      if (kty !== 'oct') out.push(createPublicKey({ key: k as never, format: 'jwk' }));
    }
    return out;
  } catch (err) {
    throw new Error(`failed to parse a JWK key (set): ${(err as Error).message}`);
  }
}

const HASH: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

/** Whether `key` verifies the JWS under `alg`; a key of the wrong kind for the algorithm simply does not. */
function verifyWithKey(alg: string, jws: Jws, key: KeyObject): boolean {
  const hash = HASH[alg.slice(2)];
  try {
    if (alg === 'EdDSA') return verify(null, jws.signingInput, key, jws.signature);
    if (!hash) return false;
    switch (alg.slice(0, 2)) {
      case 'RS':
        return key.asymmetricKeyType === 'rsa' && verify(hash, jws.signingInput, key, jws.signature);
      case 'PS':
        return (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') && verify(hash, jws.signingInput, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, jws.signature);
      case 'ES':
        return key.asymmetricKeyType === 'ec' && verify(hash, jws.signingInput, { key, dsaEncoding: 'ieee-p1363' }, jws.signature);
      default:
        return false;
    }
  } catch {
    return false;
  }
}

function verifyHmac(alg: string, jws: Jws, secret: string): boolean {
  const hash = HASH[alg.slice(2)];
  if (!alg.startsWith('HS') || !hash) return false;
  const mac = createHmac(hash, secret).update(jws.signingInput).digest();
  return mac.length === jws.signature.length && timingSafeEqual(mac, jws.signature);
}

function verifier(alg: string): Builtin {
  const name = `io.jwt.verify_${alg.toLowerCase()}`;
  return (token, key) => {
    const jws = parseJws(str(token, name, 1), name);
    const material = str(key, name, 2);
    if (alg.startsWith('HS')) return verifyHmac(alg, jws, material);
    let keys: KeyObject[];
    try {
      keys = publicKeys(material);
    } catch (err) {
      throw new BuiltinError(`${name}: ${(err as Error).message}`);
    }
    return keys.some((k) => verifyWithKey(alg, jws, k));
  };
}

interface TokenConstraints {
  keys?: KeyObject[];
  secret?: string;
  alg?: string;
  iss?: string;
  aud?: string;
  /** Nanoseconds since the epoch. */
  time: number;
}

/** OPA's constraints object for io.jwt.decode_verify: known keys of the right types, exactly one key source. */
function tokenConstraints(name: string, c: Record<string, unknown>, nowNs: () => number): TokenConstraints {
  const out: TokenConstraints = { time: 0 };
  let time: number | undefined;
  const text = (key: string, v: unknown): string => {
    if (typeof v !== 'string') throw new BuiltinError(`${name}: ${key} constraint: must be a string`);
    return v;
  };
  for (const [key, v] of Object.entries(c)) {
    switch (key) {
      case 'cert':
        try {
          out.keys = publicKeys(text(key, v));
        } catch (err) {
          if (err instanceof BuiltinError) throw err;
          throw new BuiltinError(`${name}: ${(err as Error).message}`);
        }
        break;
      case 'secret':
        out.secret = text(key, v);
        break;
      case 'alg':
        out.alg = text(key, v);
        break;
      case 'iss':
        out.iss = text(key, v);
        break;
      case 'aud':
        out.aud = text(key, v);
        break;
      case 'time':
        if (typeof v !== 'number') throw new BuiltinError(`${name}: time constraint: must be a number`);
        time = v;
        break;
      default:
        throw new BuiltinError(`${name}: unknown token validation constraint: ${key}`);
    }
  }
  const sources = (out.keys ? 1 : 0) + (out.secret !== undefined ? 1 : 0);
  if (sources > 1) throw new BuiltinError(`${name}: duplicate key constraints`);
  if (sources < 1) throw new BuiltinError(`${name}: no key constraint`);
  out.time = time ?? nowNs();
  return out;
}

/** A registered time claim (exp, nbf) in nanoseconds; OPA requires a number when the claim is present. */
function timeClaim(name: string, claims: Record<string, unknown>, claim: string): number | undefined {
  if (!(claim in claims)) return undefined;
  const v = claims[claim];
  if (typeof v !== 'number') throw new BuiltinError(`${name}: ${claim} value must be a number`);
  return v * 1e9;
}

/** How many JWS layers a nested token (`cty: JWT`) may have. */
const MAX_NESTING = 32;

/**
 * io.jwt.decode_verify(jwt, constraints) → [valid, header, payload]: `[false, {}, {}]` unless the signature
 * verifies under the constraints' key (through every layer of a nested JWT) and the claims meet them
 * (exp/nbf against `time`, iss, aud); then the innermost header and payload.
 */
function decodeVerify(nowNs: () => number): Builtin {
  const name = 'io.jwt.decode_verify';
  return (token, constraints) => {
    const invalid = [false, {}, {}];
    const text = str(token, name, 1);
    const c = tokenConstraints(name, obj(constraints, name, 2), nowNs);
    let jws = parseJws(text, name);
    for (let depth = 0; ; depth++) {
      const alg = jws.header.alg;
      if (typeof alg !== 'string' || (c.alg !== undefined && c.alg !== alg)) return invalid;
      if (jws.header.crit !== undefined) return invalid; // no critical header extension is understood
      const ok = alg.startsWith('HS') ? c.secret !== undefined && verifyHmac(alg, jws, c.secret) : (c.keys ?? []).some((k) => verifyWithKey(alg, jws, k));
      if (!ok) return invalid;
      const cty = jws.header.cty;
      if (typeof cty !== 'string' || cty.toUpperCase() !== 'JWT') break;
      if (depth >= MAX_NESTING) throw new BuiltinError(`${name}: JWT nested too deeply`);
      jws = parseJws(jws.payloadText, name);
    }
    let payload: unknown;
    try {
      payload = JSON.parse(jws.payloadText);
    } catch {
      throw new BuiltinError(`${name}: failed to decode JWT payload`);
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return invalid;
    const claims = payload as Record<string, unknown>;
    const exp = timeClaim(name, claims, 'exp');
    const nbf = timeClaim(name, claims, 'nbf');
    if (exp !== undefined && c.time >= exp) return invalid;
    if (nbf !== undefined && c.time < nbf) return invalid;
    if (c.iss !== undefined && claims.iss !== c.iss) return invalid;
    const aud = claims.aud;
    if (aud !== undefined) {
      if (c.aud === undefined) return invalid;
      if (!(aud === c.aud || (Array.isArray(aud) && aud.includes(c.aud)))) return invalid;
    } else if (c.aud !== undefined) return invalid;
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
