// The Rego lexer: token kinds and text, string escapes, raw strings, numbers, whitespace/newline
// flags and error locations.
import t from 'tap';
import type { Diagnostic } from '../../src/rego/ast/types.js';
import { tokenize } from '../../src/rego/lexer/index.js';

function lex(src: string): { toks: [string, string][]; diags: Diagnostic[] } {
  const diags: Diagnostic[] = [];
  const toks = tokenize('f.rego', src, diags).map((x): [string, string] => [x.kind, x.text]);
  return { toks, diags };
}

t.test('punctuation, operators and identifiers', async (t) => {
  const { toks, diags } = lex('x := a.b[0] != 1 <= 2 >= 3 == 4 | y & z % 1');
  t.same(diags, []);
  t.same(
    toks.map(([, s]) => s),
    ['x', ':=', 'a', '.', 'b', '[', '0', ']', '!=', '1', '<=', '2', '>=', '3', '==', '4', '|', 'y', '&', 'z', '%', '1', ''],
  );
  t.equal(toks.at(-1)![0], 'eof');
});

t.test('strings decode JSON escapes and surrogate pairs', async (t) => {
  const { toks, diags } = lex('"a\\"b\\\\c\\/\\n\\t\\u00e9\\ud83d\\ude00"');
  t.same(diags, []);
  t.same(toks[0], ['string', 'a"b\\c/\n\té😀']);
});

t.test('raw strings keep backslashes and newlines, and lines stay right after them', async (t) => {
  const diags: Diagnostic[] = [];
  const toks = tokenize('f.rego', 'x := `a\\n\nb`\ny', diags);
  t.same(diags, []);
  t.same([toks[2]!.kind, toks[2]!.text], ['rawstring', 'a\\n\nb']);
  t.same([toks[3]!.text, toks[3]!.line, toks[3]!.col], ['y', 3, 1]);
});

t.test('numbers keep their raw text', async (t) => {
  const { toks } = lex('0 12 1.5 1e10 2.5E-3 123456789012345678901234567890');
  t.same(
    toks.filter(([k]) => k === 'number').map(([, s]) => s),
    ['0', '12', '1.5', '1e10', '2.5E-3', '123456789012345678901234567890'],
  );
});

t.test('comments are skipped; ws and nl flags are set', async (t) => {
  const diags: Diagnostic[] = [];
  const toks = tokenize('f.rego', 'a.b # c d\n  e[f] (g)', diags);
  t.same(
    toks.map((x) => [x.text, x.ws, x.nl]),
    [
      ['a', true, true],
      ['.', false, false],
      ['b', false, false],
      ['e', true, true],
      ['[', false, false],
      ['f', false, false],
      [']', false, false],
      ['(', true, false],
      ['g', false, false],
      [')', false, false],
      ['', false, false],
    ],
  );
  t.same([toks[3]!.line, toks[3]!.col], [2, 3]);
});

t.test('errors carry file:line:col', async (t) => {
  t.same(lex('x := "abc').diags, [{ code: 'rego_parse_error', message: 'non-terminated string', location: { file: 'f.rego', line: 1, col: 6 } }]);
  t.same(lex('x\n  := "a\\qb"').diags, [{ code: 'rego_parse_error', message: 'illegal escape sequence in string', location: { file: 'f.rego', line: 2, col: 8 } }]);
  t.same(lex('x := `abc').diags, [{ code: 'rego_parse_error', message: 'non-terminated raw string', location: { file: 'f.rego', line: 1, col: 6 } }]);
  t.same(lex('p ^ q').diags, [{ code: 'rego_parse_error', message: "illegal token '^'", location: { file: 'f.rego', line: 1, col: 3 } }]);
  t.same(lex('"\\u12"').diags.map((d) => d.message), ['illegal escape sequence in string']);
});

t.test('columns count characters, not UTF-16 units', async (t) => {
  const diags: Diagnostic[] = [];
  const toks = tokenize('f.rego', 'x := "😀😀" + y\nz', diags);
  t.same(
    toks.map((x) => [x.text, x.line, x.col]),
    [
      ['x', 1, 1],
      [':=', 1, 3],
      ['😀😀', 1, 6],
      ['+', 1, 11],
      ['y', 1, 13],
      ['z', 2, 1],
      ['', 2, 2],
    ],
  );
  t.same(lex('"😀" ^').diags[0]!.location.col, 5);
});
