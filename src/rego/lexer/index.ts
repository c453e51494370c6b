// The Rego lexer: source text → tokens. Keywords are left as identifiers (whether `if`, `in`, `contains`
// and `every` are keywords depends on the Rego version and imports, which only the parser knows).

import type { Diagnostic } from '../ast/types.js';

export type TokenKind = 'ident' | 'string' | 'rawstring' | 'number' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  /** ident name, punctuation text, number raw text, or decoded string value. */
  text: string;
  line: number;
  col: number;
  /** Start offset in the source (UTF-16 units). */
  offset: number;
  /** Whitespace or a comment came right before this token. */
  ws: boolean;
  /** A newline came between the previous token and this one. */
  nl: boolean;
}

const PUNCT2 = new Set([':=', '==', '!=', '<=', '>=']);
const PUNCT1 = new Set(['.', ',', ';', ':', '=', '<', '>', '+', '-', '*', '/', '%', '&', '|', '(', ')', '[', ']', '{', '}']);

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Tokenize `source`. Errors are appended to `diagnostics`; the token stream always ends with `eof`. */
export function tokenize(file: string, source: string, diagnostics: Diagnostic[]): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let ws = true;
  let nl = true;
  const n = source.length;
  // columns count characters, not UTF-16 units: walk forward from the last position asked about
  let colFrom = 0;
  let colAtFrom = 1;
  const colOf = (at: number, atLineStart: number): number => {
    if (at < colFrom || atLineStart > colFrom) {
      colFrom = atLineStart;
      colAtFrom = 1;
    }
    for (; colFrom < at; colFrom++) {
      const c = source.charCodeAt(colFrom);
      if (c < 0xdc00 || c > 0xdfff) colAtFrom++; // a low surrogate continues the previous character
    }
    return colAtFrom;
  };
  const err = (message: string, at: number, atLine: number, atLineStart: number): void => {
    diagnostics.push({ code: 'rego_parse_error', message, location: { file, line: atLine, col: colOf(at, atLineStart) } });
  };
  while (i < n) {
    const c = source.charCodeAt(i);
    if (c === 10) {
      i++;
      line++;
      lineStart = i;
      ws = true;
      nl = true;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 0xfeff) {
      i++;
      ws = true;
      continue;
    }
    if (c === 35) {
      // `#` comment to end of line
      while (i < n && source.charCodeAt(i) !== 10) i++;
      ws = true;
      continue;
    }
    const start = i;
    const col = colOf(i, lineStart);
    const startLine = line;
    const push = (kind: TokenKind, text: string): void => {
      tokens.push({ kind, text, line: startLine, col, offset: start, ws, nl });
      ws = false;
      nl = false;
    };
    if (isIdentStart(c)) {
      i++;
      while (i < n && isIdentPart(source.charCodeAt(i))) i++;
      push('ident', source.slice(start, i));
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(source.charCodeAt(i + 1)))) {
      i = scanNumber(source, i);
      push('number', source.slice(start, i));
      if (i < n && isIdentStart(source.charCodeAt(i))) err('illegal number format', start, startLine, lineStart);
      continue;
    }
    if (c === 34) {
      const r = scanString(source, i);
      if (r.error !== undefined) err(r.error, r.errorAt, startLine, lineStart);
      i = r.end;
      push('string', r.value);
      continue;
    }
    if (c === 96) {
      const close = source.indexOf('`', i + 1);
      const end = close < 0 ? n : close;
      const value = source.slice(i + 1, end);
      if (close < 0) err('non-terminated raw string', start, startLine, lineStart);
      push('rawstring', value);
      // raw strings may span lines: keep line/col tracking right
      for (let k = i; k < end; k++) {
        if (source.charCodeAt(k) === 10) {
          line++;
          lineStart = k + 1;
        }
      }
      i = close < 0 ? n : close + 1;
      continue;
    }
    const two = source.slice(i, i + 2);
    if (PUNCT2.has(two)) {
      i += 2;
      push('punct', two);
      continue;
    }
    const one = source[i]!;
    if (PUNCT1.has(one)) {
      i++;
      push('punct', one);
      continue;
    }
    const cp = source.codePointAt(i)!;
    err(`illegal token '${String.fromCodePoint(cp)}'`, start, startLine, lineStart);
    i += cp > 0xffff ? 2 : 1;
    ws = true;
  }
  tokens.push({ kind: 'eof', text: '', line, col: colOf(i, lineStart), offset: i, ws, nl });
  return tokens;
}

function scanNumber(s: string, i: number): number {
  const n = s.length;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  if (s.charCodeAt(i) === 46 && isDigit(s.charCodeAt(i + 1))) {
    i++;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
  }
  const e = s.charCodeAt(i);
  if (e === 101 || e === 69) {
    let j = i + 1;
    const sign = s.charCodeAt(j);
    if (sign === 43 || sign === 45) j++;
    if (isDigit(s.charCodeAt(j))) {
      i = j;
      while (i < n && isDigit(s.charCodeAt(i))) i++;
    }
  }
  return i;
}

interface ScannedString {
  value: string;
  end: number;
  error?: string;
  errorAt: number;
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Scan a JSON-style string starting at the opening quote; decodes escapes including \u surrogate pairs. */
function scanString(s: string, i: number): ScannedString {
  const n = s.length;
  let out = '';
  let j = i + 1;
  let segStart = j;
  while (j < n) {
    const c = s.charCodeAt(j);
    if (c === 34) {
      out += s.slice(segStart, j);
      return { value: out, end: j + 1, errorAt: 0 };
    }
    if (c === 10) break;
    if (c === 92) {
      out += s.slice(segStart, j);
      const e = s[j + 1];
      if (e !== undefined && e in ESCAPES) {
        out += ESCAPES[e];
        j += 2;
      } else if (e === 'u') {
        const hex = s.slice(j + 2, j + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) return { value: out, end: skipToStringEnd(s, j + 2), error: 'illegal escape sequence in string', errorAt: j };
        out += String.fromCharCode(parseInt(hex, 16));
        j += 6;
      } else {
        return { value: out, end: skipToStringEnd(s, j + 1), error: `illegal escape sequence in string`, errorAt: j };
      }
      segStart = j;
      continue;
    }
    j++;
  }
  return { value: out + s.slice(segStart, j), end: j, error: 'non-terminated string', errorAt: i };
}

function skipToStringEnd(s: string, j: number): number {
  while (j < s.length && s[j] !== '"' && s[j] !== '\n') j += s[j] === '\\' ? 2 : 1;
  return Math.min(j < s.length && s[j] === '"' ? j + 1 : j, s.length);
}
