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
  for (const bad of ['a.b', '*', '>', '', 'a b', 'x'.repeat(65), 'rs\n1']) {
    t.throws(() => tokenEventSubject(bad, 'issued'), TypeError, `refuses ${JSON.stringify(bad)}`);
  }
  t.throws(() => hostKey('h.1'), TypeError);
});

t.test('KV keys', async (t) => {
  for (const ok of ['abc', 'a.b', 'A-b_c=d', 'f'.repeat(64)]) t.ok(isValidKvKey(ok), ok);
  for (const bad of ['', '.a', 'a.', 'a..b', 'a*', 'a>', 'a b', 'ü']) t.notOk(isValidKvKey(bad), JSON.stringify(bad));
  t.throws(() => kvPutSubject('b', 'a b'), TypeError);
});
