// regex.* and glob.match compiled into the runtime: RE2/Go syntax, leftmost-first submatches, Go's
// rules for empty matches, and bounded work on pathological patterns.
import t from 'tap';
import { checkRows, loadRuntime, type Row } from './builtins-harness.js';

const rt = await loadRuntime();

const regexRows: Row[] = [
  ['regex_match', ['"^[a-z]+\\\\d{2,3}$"', '"abc123"'], 'true'],
  ['regex_match', ['"^[a-z]+\\\\d{2,3}$"', '"abc1234"'], 'false'],
  ['regex_match', ['"foo"', '"a foo b"'], 'true'],
  ['regex_match', ['"^foo$"', '"foo\\n"'], 'false'],
  ['regex_match', ['"(?m)^b$"', '"a\\nb\\nc"'], 'true'],
  ['regex_match', ['"a.c"', '"a\\nc"'], 'false'],
  ['regex_match', ['"(?s)a.c"', '"a\\nc"'], 'true'],
  ['regex_match', ['"(?i)HeLLo"', '"say hello"'], 'true'],
  ['regex_match', ['"colou?r"', '"color"'], 'true'],
  ['regex_match', ['"^(ab|cd)+$"', '"abcdab"'], 'true'],
  ['regex_match', ['"^[^0-9]*$"', '"abc"'], 'true'],
  ['regex_match', ['"\\\\bcat\\\\b"', '"concat"'], 'false'],
  ['regex_match', ['"^[[:alpha:]_][[:word:]]*$"', '"_x1"'], 'true'],
  ['regex_match', ['"^\\\\x{e9}t\\\\x65$"', '"ete"'], 'false'],
  ['regex_match', ['"^\\\\x{e9}t\\\\x65$"', '"\\u00e9te"'], 'true'],
  ['regex_match', ['"^é.$"', '"éü"'], 'true'],
  ['regex_match', ['"^(?P<year>\\\\d{4})-(?:\\\\d{2})$"', '"2024-05"'], 'true'],
  ['regex_match', ['"^\\\\Qa.b\\\\E$"', '"a.b"'], 'true'],
  ['regex_match', ['"^\\\\Qa.b\\\\E$"', '"axb"'], 'false'],
  ['regex_match', ['"a{,2}"', '"a{,2}"'], 'true'],
  ['regex_match', ['"^\\\\p{L}+$"', '"héllo"'], 'true'],
  ['regex_match', ['"^\\\\pL+$"', '"héllo1"'], 'false'],
  ['regex_match', ['"^[\\\\p{L}\\\\d_]+$"', '"日本語_1"'], 'true'],
  ['regex_match', ['"^\\\\P{L}+$"', '"123"'], 'true'],
  ['regex_match', ['"^\\\\p{^L}+$"', '"a"'], 'false'],
  ['regex_match', ['"\\\\p{Greek}"', '"abc α"'], 'true'],
  ['regex_match', ['"^[^\\\\p{Lu}]+$"', '"aBc"'], 'false'],
  ['regex_match', ['"\\\\p{Klingon}"', '"abc"'], undefined],
  ['regex_match', ['"(?i)^[a-c]+$"', '"ABC"'], 'true'],
  ['regex_match', ['"["', '"x"'], undefined],
  ['regex_match', ['"a**"', '"a"'], undefined],
  ['regex_match', ['"(a"', '"a"'], undefined],
  ['regex_match', ['"\\\\1"', '"a"'], undefined],
  ['regex_match', ['"a{1001}"', '"a"'], undefined],
  ['regex_match', ['1', '"a"'], undefined],
  ['regex_is_valid', ['"^[a-z]+$"'], 'true'],
  ['regex_is_valid', ['"[a-"'], 'false'],
  ['regex_is_valid', ['1'], 'false'],
  ['regex_find_n', ['"a."', '"paranormal"', '-1'], '["ar","an","al"]'],
  ['regex_find_n', ['"a."', '"paranormal"', '2'], '["ar","an"]'],
  ['regex_find_n', ['"a*"', '"baaac"', '-1'], '["","aaa",""]'],
  ['regex_find_n', ['"x"', '"abc"', '-1'], '[]'],
  ['regex_find_all_string_submatch_n', ['"a(x*)b(y|z)?"', '"-axxb-ab-"', '-1'], '[["axxb","xx",""],["ab","",""]]'],
  ['regex_find_all_string_submatch_n', ['"(\\\\w+)@(\\\\w+)\\\\.com"', '"a@b.com c@d.com"', '1'], '[["a@b.com","a","b"]]'],
  ['regex_split', ['"a"', '"banana"'], '["b","n","n",""]'],
  ['regex_split', ['"x*"', '"axbc"'], '["a","b","c"]'],
  ['regex_split', ['",\\\\s*"', '"a, b,c"'], '["a","b","c"]'],
  ['regex_split', ['"a"', '""'], '[""]'],
  ['regex_replace', ['"-ab-axxb-"', '"a(x*)b"', '"${1}W"'], '"-W-xxW-"'],
  ['regex_replace', ['"-ab-axxb-"', '"a(?P<x>x*)b"', '"[$x]"'], '"-[]-[xx]-"'],
  ['regex_replace', ['"abc"', '"x*"', '"-"'], '"-a-b-c-"'],
  ['regex_replace', ['"a1b22"', '"\\\\d+"', '"$$"'], '"a$b$"'],
  ['regex_template_match', ['"urn:foo.bar.com:{.*}"', '"urn:foo.bar.com:bar:baz"', '"{"', '"}"'], 'true'],
  ['regex_template_match', ['"urn:foo.bar.com:{.*}"', '"urn:fooXbar.com:bar:baz"', '"{"', '"}"'], 'false'],
  ['regex_template_match', ['"id-{[0-9]{3}}"', '"id-123"', '"{"', '"}"'], 'true'],
  ['regex_template_match', ['"id-<[0-9]{3}>"', '"id-12"', '"<"', '">"'], 'false'],
  ['regex_template_match', ['"id-{[0-9]"', '"id-1"', '"{"', '"}"'], undefined],
];

const globRows: Row[] = [
  ['glob_match', ['"*.github.com"', '[]', '"api.github.com"'], 'true'],
  ['glob_match', ['"*.github.com"', '[]', '"api.cdn.github.com"'], 'false'],
  ['glob_match', ['"*.github.com"', 'null', '"api.cdn.github.com"'], 'true'],
  ['glob_match', ['"**.github.com"', '["."]', '"api.cdn.github.com"'], 'true'],
  ['glob_match', ['"*:github:com"', '[":"]', '"api:github:com"'], 'true'],
  ['glob_match', ['"api.*.com"', '[".", ":"]', '"api.git:hub.com"'], 'false'],
  ['glob_match', ['"{cat,bat,[fr]at}"', 'null', '"rat"'], 'true'],
  ['glob_match', ['"{cat,bat,[fr]at}"', 'null', '"hat"'], 'false'],
  ['glob_match', ['"[!a-c]at"', 'null', '"bat"'], 'false'],
  ['glob_match', ['"[!a-c]at"', 'null', '"fat"'], 'true'],
  ['glob_match', ['"?at"', '["."]', '"fat"'], 'true'],
  ['glob_match', ['"?at"', '["."]', '".at"'], 'false'],
  ['glob_match', ['"a\\\\*b"', 'null', '"a*b"'], 'true'],
  ['glob_match', ['"a\\\\*b"', 'null', '"axb"'], 'false'],
  ['glob_match', ['"read:*"', 'null', '"read:users"'], 'true'],
  ['glob_match', ['""', 'null', '""'], 'true'],
  ['glob_match', ['"[a-"', 'null', '"a"'], undefined],
  ['glob_match', ['"{a,b"', 'null', '"a"'], undefined],
  ['glob_match', ['"*"', '"."', '"a"'], undefined],
  ['glob_quote_meta', ['"*.github.com"'], '"\\\\*.github.com"'],
  ['glob_quote_meta', ['"[a]{b}?"'], '"\\\\[a\\\\]\\\\{b\\\\}\\\\?"'],
];

t.test('regex builtins', async (t) => {
  checkRows(t, rt, regexRows);
});

t.test('glob.match', async (t) => {
  checkRows(t, rt, globRows);
});

t.test('pathological patterns stay linear or give up', async (t) => {
  const aaa = JSON.stringify('a'.repeat(5000) + 'b');
  const start = Date.now();
  t.equal(rt.call('regex_match', '"^(a+)+$"', aaa), 'false');
  t.equal(rt.call('regex_match', '"(a|a)*c"', aaa), 'false');
  t.equal(rt.call('regex_match', '"(x+x+)+y"', JSON.stringify('x'.repeat(5000))), 'false');
  // exhausts the step budget: undefined, not a hang
  t.equal(rt.call('regex_match', '"[a-z]{1,1000}0"', JSON.stringify('a'.repeat(30000))), undefined);
  t.ok(Date.now() - start < 10000, 'bounded time');
});

// On the syntax RE2 and JavaScript share (no nested repetition operators, ASCII input without
// newlines), leftmost-first submatches are the same: JavaScript's RegExp serves as the oracle.
t.test('submatches agree with RegExp on random patterns', async (t) => {
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const gen = (d: number): string => {
    switch (rnd(d > 3 ? 4 : 12)) {
      case 0: return 'a';
      case 1: return 'b';
      case 2: return 'c';
      case 3: return '.';
      case 5: return `${gen(d + 1)}|${gen(d + 1)}`;
      case 6: return `(${gen(d + 1)})${['*', '+', '?', '*?', '+?', '??', '{1,2}', '{2}'][rnd(8)]}`;
      case 7: return `(?:${gen(d + 1)})${['*', '+', '?', ''][rnd(4)]}`;
      case 8: return ['[ab]', '[^a]', '[a-c]', '\\b', '^', '$'][rnd(6)] ?? '';
      case 9: return `${gen(d + 1)}${['*', '+', '?'][rnd(3)]}`;
      default: return `${gen(d + 1)}${gen(d + 1)}`;
    }
  };
  let compared = 0;
  const mismatches: string[] = [];
  for (let i = 0; i < 1500; i++) {
    const pattern = gen(0);
    if (/[*+?}]\??[*+?{]/.test(pattern.replace(/\(\?:/g, '('))) continue; // RE2 rejects a**, a*{2}
    let re: RegExp;
    try {
      re = new RegExp(pattern, 'u');
    } catch {
      continue;
    }
    for (let j = 0; j < 3; j++) {
      const s = Array.from({ length: rnd(8) }, () => 'abc '[rnd(4)]).join('');
      const m = re.exec(s);
      const want = m ? JSON.stringify([[...m].map((x) => x ?? '')]) : '[]';
      const got = rt.callJson('regex_find_all_string_submatch_n', JSON.stringify(pattern), JSON.stringify(s), '1');
      compared++;
      if (got !== want) mismatches.push(`${pattern} on ${JSON.stringify(s)}: ${got} vs ${want}`);
    }
  }
  t.ok(compared > 3000, `${compared} comparisons`);
  t.same(mismatches, []);
});
