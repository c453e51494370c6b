// Secrets: server-made with 256 bits, short operator secrets refused, SHA-256 compared in constant time.
import t from 'tap';
import { OAuthError, checkOperatorSecret, generateClientSecret, hashSecret, secretMatches } from '../../src/oauth/index.js';

t.test('generated secrets carry 256 bits', async (t) => {
  const s = generateClientSecret();
  t.equal(Buffer.from(s, 'base64url').length, 32);
  t.not(s, generateClientSecret());
});

t.test('operator secrets shorter than 32 bytes are refused', async (t) => {
  t.throws(() => checkOperatorSecret('x'.repeat(31)), OAuthError);
  t.doesNotThrow(() => checkOperatorSecret('x'.repeat(32)));
  t.throws(() => checkOperatorSecret('é'.repeat(15)), OAuthError, '30 bytes in 15 characters');
});

t.test('hash and compare', async (t) => {
  const h = hashSecret('s3cret-s3cret-s3cret-s3cret-s3cret');
  t.match(h, /^[0-9a-f]{64}$/);
  t.ok(secretMatches('s3cret-s3cret-s3cret-s3cret-s3cret', h));
  t.notOk(secretMatches('s3cret-s3cret-s3cret-s3cret-s3creT', h));
  t.notOk(secretMatches('', h));
  t.notOk(secretMatches('x', 'nothex'));
});
