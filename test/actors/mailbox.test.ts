// Work for one key runs in order, one at a time; other keys run alongside; failures do not jam.
import t from 'tap';
import { BoundedCache, KeyedMailbox } from '../../src/actors/index.js';

t.test('serial per key, parallel across keys', async (t) => {
  const m = new KeyedMailbox();
  const log: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const job = (key: string, i: number) =>
    m.run(key, async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setTimeout(r, 5));
      log.push(`${key}${i}`);
      running--;
      if (i === 1) throw new Error('boom');
      return i;
    });
  const results = await Promise.allSettled([job('a', 0), job('a', 1), job('a', 2), job('b', 0)]);
  t.same(log.filter((x) => x.startsWith('a')), ['a0', 'a1', 'a2']);
  t.equal(maxRunning, 2, 'a and b ran together, never two a');
  t.equal(results[1]?.status, 'rejected');
  t.equal(results[2]?.status, 'fulfilled');
  t.equal(m.activeKeys, 0, 'mailboxes are dropped when empty');
});

t.test('bounded cache evicts the least recently used', async (t) => {
  const c = new BoundedCache<string, number>(2);
  c.set('a', 1);
  c.set('b', 2);
  c.get('a');
  c.set('c', 3);
  t.equal(c.get('b'), undefined);
  t.equal(c.get('a'), 1);
  t.equal(c.size, 2);
  c.deleteWhere((k) => k === 'a');
  t.equal(c.size, 1);
  t.throws(() => new BoundedCache(0), TypeError);
});
