// Subject and key builders accept only what their anchored patterns allow.
import t from 'tap';
import { actorShardSubject, hostKey, isValidKvKey, kvPutSubject, tokenEventSubject } from '../../src/bus/index.js';

t.test('actor shard subjects', async (t) => {
  t.equal(actorShardSubject('client', 7), 'portcullis.actor.client.7');
  t.throws(() => actorShardSubject('client', -1), TypeError);
  t.throws(() => actorShardSubject('client', 1.5), TypeError);
});

t.test('untrusted tokens are checked', async (t) => {
  t.equal(tokenEventSubject('rs-1', 'issued'), 'portcullis.events.token.rs-1.issued');
  t.equal(tokenEventSubject(undefined, 'revoked'), 'portcullis.events.token._.revoked');
  // An id that is not a safe subject token is carried as a hash of itself, never as raw text.
  const seen = new Set<string>();
  for (const bad of ['a.b', '*', '>', 'a b', 'x'.repeat(65), 'rs\n1']) {
    const subject = tokenEventSubject(bad, 'issued');
    t.match(subject, /^portcullis\.events\.token\.=[0-9a-f]{32}\.issued$/, `hashes ${JSON.stringify(bad)}`);
    t.equal(tokenEventSubject(bad, 'issued'), subject, 'stable');
    seen.add(subject);
  }
  t.equal(seen.size, 6, 'distinct ids stay distinct');
  t.equal(tokenEventSubject('', 'issued'), 'portcullis.events.token._.issued');
  t.throws(() => tokenEventSubject('rs-1', 'minted' as never), TypeError, 'unknown kind refused');
  t.throws(() => hostKey('h.1'), TypeError);
});

t.test('KV keys', async (t) => {
  for (const ok of ['abc', 'a.b', 'A-b_c=d', 'f'.repeat(64)]) t.ok(isValidKvKey(ok), ok);
  for (const bad of ['', '.a', 'a.', 'a..b', 'a*', 'a>', 'a b', 'ü']) t.notOk(isValidKvKey(bad), JSON.stringify(bad));
  t.throws(() => kvPutSubject('b', 'a b'), TypeError);
});
