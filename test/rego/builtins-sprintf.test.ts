// sprintf compiled into the runtime: Go fmt verbs over OPA's argument conversion.
import t from 'tap';
import { checkRows, loadRuntime, type Row } from './builtins-harness.js';

const rt = await loadRuntime();
const s = (format: string, args: string, want: string | undefined): Row =>
  ['sprintf', [JSON.stringify(format), args], want === undefined ? undefined : JSON.stringify(want)];

const rows: Row[] = [
  s('%d %s %v', '[42, "str", 1.5]', '42 str 1.5'),
  s('hi %s!', '["there"]', 'hi there!'),
  s('%v|%v|%v|%v', '[{"a": [1, "x"]}, {1, 2}, null, true]', '{"a": [1, "x"]}|{1, 2}|null|true'),
  s('%v', '[set()]', 'set()'),
  s('%s', '[[1, "a\u00e9", {"k": null}]]', '[1, "aé", {"k": null}]'),
  s('%.2f %e %g', '[3.14159, 1234.5678, 0.00001234]', '3.14 1.234568e+03 1.234e-05'),
  s('%f', '[2.675]', '2.675000'),
  s('%v %v %v %v', '[1e21, 1234567.5, 0.1, 1e-7]', '1e+21 1.2345675e+06 0.1 1e-07'),
  s('%.2f|%.0f|%.3f|%.1f|%.2f', '[0.125, 2.5, -0.0005, 0.25, 2.675]', '0.12|2|-0.001|0.2|2.67'),
  s('%5d|%-5d|%05d|%+d|%x|%X|%o|%b|%#x', '[42, 42, 42, 42, 255, 255, 8, 5, 255]', '   42|42   |00042|+42|ff|FF|10|101|0xff'),
  s('%5.1f|%-7s|%07.2f', '[3.14159, "ab", -3.14159]', '  3.1|ab     |-003.14'),
  s('%q %x % x %10s|%.2s', '["a\\"b\\n", "hi", "hi", "right", "truncate"]', '"a\\"b\\n" 6869 68 69      right|tr'),
  s('%s %d %t', '[1, "a", true]', '%!s(int=1) %!d(string=a) %!t(string=true)'),
  s('%d', '[1.5]', '%!d(float64=1.5)'),
  s('%d %d', '[1]', '1 %!d(MISSING)'),
  s('%d', '[1, "x"]', '1%!(EXTRA string=x)'),
  s('100%%', '[]', '100%'),
  s('%c|%U|%T|%T', '[65, 65, "s", 1.5]', 'A|U+0041|string|float64'),
  s('%v', '[12345678901234567890]', '12345678901234567890'),
  s('%s', '[123456789123456789123]', '123456789123456789123'),
  s('%x|%o', '[12345678901234567890, 12345678901234567890]', 'ab54a98ceb1f0ad2|1255245230635307605322'),
  s('%.3g %.2e %.0e %.2g', '[2.675, 1.125, 2.5, 0.125]', '2.67 1.12e+00 2e+00 0.12'),
  s('%.2f %.2f %.1f', '[1.005, 1.015, 0.05]', '1.00 1.01 0.1'),
  s('%c %q', '[-1, 233]', "\ufffd 'é'"),
  s('%T %T %T', '[1, "a", [1]]', 'int string string'),
  s('%#x|%#o|% x', '["hi", 8, "hi"]', '0x6869|010|68 69'),
  s('%*d', '[4, 7]', '   7'),
  s('%', '[]', '%!(NOVERB)'),
  ['sprintf', ['"%d"', '1'], undefined],
  ['sprintf', ['1', '[]'], undefined],
];

t.test('sprintf', async (t) => {
  checkRows(t, rt, rows);
});
