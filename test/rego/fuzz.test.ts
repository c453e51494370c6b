// Fuzzing the front end for a bounded time with a seeded PRNG (reproducible: FUZZ_SEED, FUZZ_MS):
// random bytes, deep nesting, and token/char mutations of the real modules (conformance corpus and
// fixtures). Parse and check must return diagnostics — never throw, never hang.
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import YAML from 'yaml';
import type { Diagnostic } from '../../src/rego/ast/types.js';
import { check } from '../../src/rego/check/index.js';
import { tokenize } from '../../src/rego/lexer/index.js';
import { parseModule, parseQuery, parseTerm } from '../../src/rego/parser/index.js';
import { conformanceCasesDir, opaFixturesDir } from '../helpers/shared.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const BUDGET_MS = Number(process.env.FUZZ_MS ?? 5000);
/** One input may take this long at most (a hang guard; real modules take well under 1 ms). */
const PER_INPUT_MS = 1000;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function corpus(): string[] {
  const out: string[] = [];
  const cases = conformanceCasesDir;
  for (const c of fs.readdirSync(cases).sort()) {
    for (const f of fs.readdirSync(path.join(cases, c)).sort()) {
      const doc = YAML.parse(fs.readFileSync(path.join(cases, c, f), 'utf8')) as { cases: { modules?: string[] }[] };
      for (const k of doc.cases) out.push(...(k.modules ?? []));
    }
  }
  const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.rego') ? [path.join(d, e.name)] : []));
  for (const f of walk(opaFixturesDir).sort()) out.push(fs.readFileSync(f, 'utf8'));
  return [...new Set(out)];
}

const PIECES = ['{', '}', '[', ']', '(', ')', ',', ';', '\n', ':=', '=', '==', '|', '&', ' in ', ' if ', ' contains ', ' every ', ' some ', ' not ', ' with ', ' as ', ' else ', ' default ', 'import ', 'package ', '"', '`', '\\u', '_', 'x', 'data.', 'input', '-', '1.5e', '#', ':', '.', 'set()', '\t'];

class Fuzzer {
  constructor(
    private readonly rand: () => number,
    private readonly modules: string[],
  ) {}
  int(n: number): number {
    return Math.floor(this.rand() * n);
  }
  pick<T>(xs: T[]): T {
    return xs[this.int(xs.length)]!;
  }

  randomBytes(): string {
    const n = this.int(300);
    let s = '';
    for (let i = 0; i < n; i++) {
      const r = this.rand();
      s += r < 0.7 ? String.fromCharCode(32 + this.int(95)) : r < 0.85 ? this.pick(PIECES) : String.fromCharCode(this.int(0x10000));
    }
    return this.rand() < 0.5 ? `package p\n${s}` : s;
  }

  deepNesting(): string {
    const open = this.pick(['[', '{', '(', 'not ', '{x | ', '[1, ', 'f(', 'a.b[', '-']);
    const depth = 100 + this.int(20_000);
    const close = this.rand() < 0.5 ? '' : { '[': ']', '{': '}', '(': ')', 'f(': ')', 'a.b[': ']', '[1, ': ']' }[open] ?? '';
    return `package p\np := ${open.repeat(depth)}1${close.repeat(depth)}`;
  }

  /** Insert, delete, swap or duplicate tokens (as source slices) of a real module. */
  tokenMutation(): string {
    const src = this.pick(this.modules);
    const toks = tokenize('m', src, []);
    const slices: string[] = [];
    for (let i = 0; i < toks.length - 1; i++) slices.push(src.slice(toks[i]!.offset, toks[i + 1]!.offset));
    if (toks.length > 0) slices.unshift(src.slice(0, toks[0]!.offset));
    const edits = 1 + this.int(4);
    for (let e = 0; e < edits && slices.length > 1; e++) {
      const i = this.int(slices.length);
      const j = this.int(slices.length);
      switch (this.int(5)) {
        case 0:
          slices.splice(i, 1);
          break;
        case 1:
          slices.splice(i, 0, slices[j]!);
          break;
        case 2:
          [slices[i], slices[j]] = [slices[j]!, slices[i]!];
          break;
        case 3:
          slices.splice(i, 0, this.pick(PIECES));
          break;
        default:
          slices.splice(i, 0, ...slices.slice(j, j + 1 + this.int(8)));
      }
    }
    return slices.join('');
  }

  charMutation(): string {
    let s = this.pick(this.modules);
    const edits = 1 + this.int(6);
    for (let e = 0; e < edits; e++) {
      const i = this.int(s.length + 1);
      const r = this.int(3);
      if (r === 0) s = s.slice(0, i) + s.slice(i + 1);
      else if (r === 1) s = s.slice(0, i) + String.fromCharCode(32 + this.int(95)) + s.slice(i);
      else s = s.slice(0, i) + this.pick(PIECES) + s.slice(i);
    }
    return s;
  }

  next(): string {
    const r = this.int(10);
    if (r === 0) return this.randomBytes();
    if (r === 1) return this.deepNesting();
    if (r < 6) return this.tokenMutation();
    return this.charMutation();
  }
}

function wellFormed(ds: Diagnostic[]): boolean {
  return ds.every((d) => typeof d.code === 'string' && typeof d.message === 'string' && d.location.line >= 1 && d.location.col >= 1);
}

t.test(`parse and check never throw or hang (seed ${SEED}, ${BUDGET_MS} ms)`, async (t) => {
  const modules = corpus();
  t.ok(modules.length > 500, `${modules.length} seed modules`);
  const fuzz = new Fuzzer(mulberry32(SEED), modules);
  const started = performance.now();
  let n = 0;
  let clean = 0;
  let failures = 0;
  let slowest = 0;
  while (performance.now() - started < BUDGET_MS) {
    const src = fuzz.next();
    const t0 = performance.now();
    try {
      const v: 0 | 1 = n % 3 === 0 ? 0 : 1;
      const r = parseModule('fuzz.rego', src, { regoVersion: v });
      if (!wellFormed(r.diagnostics)) throw new Error('malformed diagnostic');
      if (r.module !== undefined) {
        // check must cope with whatever the parser returns, even partial modules
        const c = check([r.module]);
        if (!wellFormed(c.diagnostics)) throw new Error('malformed diagnostic');
        if (r.diagnostics.length === 0 && c.diagnostics.length === 0) clean++;
      } else if (r.diagnostics.length === 0) {
        throw new Error('no module and no diagnostic');
      }
      if (n % 7 === 0) parseQuery(src.slice(0, 200));
      if (n % 11 === 0) parseTerm(src.slice(0, 200));
    } catch (err) {
      failures++;
      if (failures <= 5) t.fail(`input ${n} threw: ${String(err)}\n${JSON.stringify(src.slice(0, 500))}`);
    }
    const ms = performance.now() - t0;
    slowest = Math.max(slowest, ms);
    if (ms > PER_INPUT_MS) t.fail(`input ${n} took ${ms.toFixed(0)} ms: ${JSON.stringify(src.slice(0, 200))}`);
    n++;
  }
  t.equal(failures, 0, `${n} inputs, ${clean} still valid, slowest ${slowest.toFixed(1)} ms`);
});
