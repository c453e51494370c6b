// The shard of a key is stable and spreads keys evenly.
import t from 'tap';
import { shardOf } from '../../src/actors/index.js';

t.test('stable values', async (t) => {
  // Pinned: changing the hash would move every key of a running deployment.
  t.equal(shardOf('app', 64), shardOf('app', 64));
  t.same(['a', 'b', 'client-1', 'ffff'].map((k) => shardOf(k, 64)), [44, 37, 40, 21]);
});

t.test('spread', async (t) => {
  const counts = new Array<number>(64).fill(0);
  for (let i = 0; i < 64_000; i++) counts[shardOf(`k${i}`, 64)] = (counts[shardOf(`k${i}`, 64)] ?? 0) + 1;
  t.ok(Math.min(...counts) > 800 && Math.max(...counts) < 1200, `min ${Math.min(...counts)} max ${Math.max(...counts)}`);
});
