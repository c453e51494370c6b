// The batch wire between the pool and its workers: every decision comes back out as it went in.
import t from 'tap';
import { decodeBatch, encodeBatch } from '../../src/policy/lib/batch-wire.js';

t.test('decisions round-trip through one string', async (t) => {
  const items = [
    { entrypoint: 'portcullis/token', inputJson: JSON.stringify({ a: 'line\nbreak', nul: '\u0000', tab: '\t' }) },
    { entrypoint: 'portcullis/introspect', inputJson: '{\n  "pretty": [1,\n 2]\n}' },
    { entrypoint: 'rbac/allow', inputJson: undefined },
    { entrypoint: 'x', inputJson: '""' },
    { entrypoint: 'y', inputJson: '0' },
  ];
  const wire = encodeBatch(items);
  t.notOk(wire.includes('\u0000\u0000'), 'no empty parts');
  t.same(decodeBatch(wire), [
    { entrypoint: 'portcullis/token', inputJson: items[0]?.inputJson },
    { entrypoint: 'portcullis/introspect', inputJson: items[1]?.inputJson },
    { entrypoint: 'rbac/allow' },
    { entrypoint: 'x', inputJson: '""' },
    { entrypoint: 'y', inputJson: '0' },
  ]);
  t.same(JSON.parse(decodeBatch(wire)[0]?.inputJson ?? ''), { a: 'line\nbreak', nul: '\u0000', tab: '\t' }, 'escaped control characters stay inside their input');
  t.same(decodeBatch(encodeBatch([])), [], 'an empty batch');
});
