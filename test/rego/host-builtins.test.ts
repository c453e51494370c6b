// Host builtins: sprintf with Go fmt semantics (as OPA), time.now_ns fixed within one evaluation.
import t from 'tap';
import { createHostBuiltins } from '../../src/rego/host-builtins.js';

const { builtins, startEvaluation } = createHostBuiltins({ clock: (() => {
  let n = 1_700_000_000_000_000_000;
  return () => (n += 1000);
})() });
const sprintf = builtins.sprintf as (f: string, v: unknown[]) => string;

t.test('sprintf follows Go fmt', async (t) => {
  const cases: [string, unknown[], string][] = [
    ['component:%s/%s', ['xyz', 'test'], 'component:xyz/test'],
    ['%d items', [3], '3 items'],
    ['%v', [1.5], '1.5'],
    ['%v', [1000000.5], '1.0000005e+06'],
    ['%05d', [-42], '-0042'],
    ['%x', [255], 'ff'],
    ['%.2f', [3.14159], '3.14'],
    ['%e', [1234.5], '1.234500e+03'],
    ['%8.3f|', [3.14159], '   3.142|'],
    ['%-5s|', ['ab'], 'ab   |'],
    ['%q', ['a"b'], '"a\\"b"'],
    ['100%%', [], '100%'],
    ['%v', [[1, 'a']], '[1, "a"]'],
    ['%v', [{ b: 1, a: true }], '{"a": true, "b": 1}'],
    ['%s', [5], '%!s(int=5)'],
    ['%d', ['a'], '%!d(string=a)'],
    ['%s %s', ['a'], 'a %!s(MISSING)'],
    ['%s', ['a', 1], 'a%!(EXTRA int=1)'],
    ['%t', [true], '%!t(string=true)'],
  ];
  for (const [f, v, want] of cases) t.equal(sprintf(f, v), want, `${f} ${JSON.stringify(v)}`);
  t.equal(builtins.sprintf?.('%s', 'not an array'), undefined, 'undefined on a non-array operand');
});

t.test('time.now_ns is one instant per evaluation', async (t) => {
  const now = builtins['time.now_ns'] as () => number;
  startEvaluation();
  const a = now();
  t.equal(now(), a, 'same value within an evaluation');
  startEvaluation();
  t.not(now(), a, 'a new evaluation reads the clock again');
});
