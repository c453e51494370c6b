// msgpack round trip keeps plain objects, arrays, binary and numbers as they were.
import t from 'tap';
import { decode, encode } from '../../src/bus/index.js';

t.test('round trip', async (t) => {
  const v = { a: 1, b: 'x', c: [1, 2, { d: null }], e: true, f: 1.5, g: 2 ** 40 };
  t.same(decode(encode(v)), v);
  const bin = decode<{ bin: Uint8Array }>(encode({ bin: new Uint8Array([1, 2, 3]) }));
  t.same([...bin.bin], [1, 2, 3]);
});

t.test('garbage throws', async (t) => {
  t.throws(() => decode(new Uint8Array([0x82, 0xa1])));
});
