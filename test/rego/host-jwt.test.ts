// Host JWT builtins beyond OPA's YAML cases: decode_verify's constraint validation, nested tokens,
// key material read as OPA reads it (one PEM block, else a JWK or JWK set).
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import t, { type Test } from 'tap';
import { BuiltinError } from '../../src/rego/lib/builtin-error.js';
import { createHostBuiltins } from '../../src/rego/host-builtins.js';

const { builtins } = createHostBuiltins({ clock: () => 1_700_000_000_000_000_000 });
const decodeVerify = builtins['io.jwt.decode_verify'] as (token: unknown, constraints: unknown) => unknown;
const verifyRs256 = builtins['io.jwt.verify_rs256'] as (token: unknown, key: unknown) => unknown;
const verifyEs256 = builtins['io.jwt.verify_es256'] as (token: unknown, key: unknown) => unknown;

const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const hs256 = (header: object, payload: unknown, secret: string): string => {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
};

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const rs256 = (payload: object): string => {
  const input = `${b64({ alg: 'RS256' })}.${b64(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), rsa.privateKey).toString('base64url')}`;
};

const throwsBuiltin = (t: Test, fn: () => unknown, text: string): void => {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  t.ok(thrown instanceof BuiltinError && thrown.message.includes(text), `throws: ${text} (got ${String(thrown)})`);
};

t.test('decode_verify validates its constraints object', async (t) => {
  const token = hs256({ alg: 'HS256' }, { iss: 'x' }, 'k');
  throwsBuiltin(t, () => decodeVerify(token, {}), 'no key constraint');
  throwsBuiltin(t, () => decodeVerify(token, { secret: 'k', cert: rsaPem }), 'duplicate key constraints');
  throwsBuiltin(t, () => decodeVerify(token, { secret: 'k', issuer: 'x' }), 'unknown token validation constraint: issuer');
  throwsBuiltin(t, () => decodeVerify(token, { secret: 'k', time: '1' }), 'time constraint');
  throwsBuiltin(t, () => decodeVerify(token, { secret: 1 }), 'secret constraint');
  throwsBuiltin(t, () => decodeVerify(token, { cert: 'not a key' }), 'failed to parse a JWK key (set)');
  t.same(decodeVerify(token, { secret: 'k', iss: 'x' }), [true, { alg: 'HS256' }, { iss: 'x' }]);
  t.same(decodeVerify(token, { secret: 'k', alg: 'RS256' }), [false, {}, {}]);
});

t.test('decode_verify checks every layer of a nested token and returns the innermost', async (t) => {
  const inner = hs256({ alg: 'HS256', typ: 'JWT' }, { sub: 'a' }, 'k');
  const outer = hs256({ alg: 'HS256', cty: 'JWT' }, inner, 'k');
  t.same(decodeVerify(outer, { secret: 'k' }), [true, { alg: 'HS256', typ: 'JWT' }, { sub: 'a' }]);
  const badInner = hs256({ alg: 'HS256', typ: 'JWT' }, { sub: 'a' }, 'other');
  t.same(decodeVerify(hs256({ alg: 'HS256', cty: 'jwt' }, badInner, 'k'), { secret: 'k' }), [false, {}, {}]);
});

t.test('decode_verify time claims: exclusive exp, inclusive nbf, numbers only', async (t) => {
  const token = hs256({ alg: 'HS256' }, { nbf: 10, exp: 20 }, 'k');
  t.equal((decodeVerify(token, { secret: 'k', time: 10e9 }) as unknown[])[0], true);
  t.equal((decodeVerify(token, { secret: 'k', time: 9e9 }) as unknown[])[0], false);
  t.equal((decodeVerify(token, { secret: 'k', time: 20e9 }) as unknown[])[0], false);
  throwsBuiltin(t, () => decodeVerify(hs256({ alg: 'HS256' }, { exp: '20' }, 'k'), { secret: 'k' }), 'exp value must be a number');
});

t.test('verify_* read one PEM block, a JWK or a JWK set', async (t) => {
  const token = rs256({ a: 1 });
  t.equal(verifyRs256(token, rsaPem), true);
  t.equal(verifyRs256(token, rsaPem.trimEnd()), true, 'no trailing newline');
  t.equal(verifyRs256(token, JSON.stringify(rsa.publicKey.export({ format: 'jwk' }))), true);
  t.equal(verifyRs256(token, JSON.stringify({ keys: [{ kty: 'oct', k: 'AA' }, rsa.publicKey.export({ format: 'jwk' })] })), true, 'a set with a symmetric member');
  throwsBuiltin(t, () => verifyRs256(token, `${rsaPem}junk`), 'extra data after a PEM certificate block');
  throwsBuiltin(t, () => verifyRs256(token, rsaPem.replaceAll('PUBLIC KEY', 'RSA THING')), 'failed to extract a Key from the PEM certificate');
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  t.equal(verifyRs256(token, ec.publicKey.export({ type: 'spki', format: 'pem' }).toString()), false, 'a key of the wrong kind verifies nothing');
  t.equal(verifyEs256(token, rsaPem), false);
});
