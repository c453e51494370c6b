// Turns a case's query into a rule of a synthetic package — a partial set of the query's bindings — so
// any query shape compiles to one entrypoint whose result is OPA's result set.
import type { Body, Term, Value } from '../ast/types.js';
import { formatDiagnostic } from '../ast/types.js';
import { parseQuery, parseTerm } from '../parser/index.js';
import type { ConformanceCase } from './cases.js';

const PKG = '__conformance__';
export const ENTRYPOINT = `${PKG}/results`;

export interface WrappedCase {
  files: { path: string; source: string }[];
  input: unknown;
  hasInput: boolean;
  entrypoint: string;
  /** Set when the query is `data.a.b = x`: the entrypoint is `a/b` itself and each result binds `x`. */
  bindVar?: string;
}

/** `data.a.b = x` (or `data = x`): compiled as the entrypoint `a/b`, the way policies are deployed. */
const DIRECT = /^\s*data((?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*=\s*([A-Za-z_][A-Za-z0-9_]*)\s*$/;

export function wrapCase(tc: ConformanceCase): WrappedCase | { error: string } {
  const q = parseQuery(tc.query, 'query');
  if (!q.body) return { error: `query: ${q.diagnostics.map(formatDiagnostic).join('; ')}` };
  const vars = queryVars(q.body);

  let input: unknown = tc.input;
  let hasInput = tc.hasInput;
  let withInput = '';
  if (tc.inputTerm !== undefined) {
    const t = parseTerm(tc.inputTerm, 'input_term');
    if (!t.term) return { error: `input_term: ${t.diagnostics.map(formatDiagnostic).join('; ')}` };
    const json = termToJson(t.term);
    if (json.ok) {
      input = json.value;
      hasInput = true;
    } else {
      // A value JSON cannot carry (a set): give it to the query with `with input as`.
      withInput = tc.inputTerm;
    }
  }

  const modules = tc.modules.map((source, i) => ({ path: `module-${i}.rego`, source }));
  const direct = DIRECT.exec(tc.query);
  if (direct && !withInput && direct[2] !== 'input' && direct[2] !== 'data') {
    const entrypoint = (direct[1] ?? '').split('.').filter(Boolean).join('/');
    return { files: modules, input, hasInput, entrypoint, bindVar: direct[2] as string };
  }
  const head = `{${vars.map((v) => `${JSON.stringify(v)}: ${v}`).join(', ')}}`;
  // The wrapper uses `contains`/`if`; a v0 module needs them imported (the query itself stays v0).
  const imports = tc.regoVersion === 0 ? 'import future.keywords.contains\nimport future.keywords.if\n\n' : '';
  const wrapper = withInput
    ? `package ${PKG}\n\n${imports}results := r if {\n\tr := __q with input as ${withInput}\n}\n\n__q contains ${head} if {\n${tc.query}\n}\n`
    : `package ${PKG}\n\n${imports}results contains ${head} if {\n${tc.query}\n}\n`;
  return { files: [...modules, { path: 'query.rego', source: wrapper }], input, hasInput, entrypoint: ENTRYPOINT };
}

/** The variables a query binds, in first-seen order: what OPA reports per result. */
export function queryVars(body: Body): string[] {
  const seen = new Set<string>();
  const add = (name: string) => {
    if (name === 'data' || name === 'input' || name.startsWith('$') || name.startsWith('__')) return;
    seen.add(name);
  };
  const term = (t: Term): void => value(t.value);
  const value = (v: Value): void => {
    switch (v.type) {
      case 'var':
        add(v.name);
        return;
      case 'ref':
        v.terms.forEach(term);
        return;
      case 'array':
      case 'set':
        v.items.forEach(term);
        return;
      case 'object':
        for (const [k, x] of v.pairs) {
          term(k);
          term(x);
        }
        return;
      case 'call':
        v.args.forEach(term);
        return;
      default:
        // Comprehension variables are local to the comprehension.
        return;
    }
  };
  for (const expr of body) {
    const b = expr.body;
    switch (b.type) {
      case 'term':
        term(b.term);
        break;
      case 'call':
        b.args.forEach(term);
        break;
      case 'some':
        b.vars.forEach(term);
        break;
      case 'somein':
        if (b.key) term(b.key);
        term(b.value);
        term(b.collection);
        break;
      case 'every':
        term(b.domain);
        break;
    }
  }
  return [...seen];
}

/** A ground term as JSON, or not ok when it holds a set, a ref or a call. */
export function termToJson(t: Term): { ok: true; value: unknown } | { ok: false } {
  const v = t.value;
  switch (v.type) {
    case 'null':
      return { ok: true, value: null };
    case 'boolean':
      return { ok: true, value: v.value };
    case 'number':
      return { ok: true, value: Number(v.raw) };
    case 'string':
      return { ok: true, value: v.value };
    case 'array': {
      const items: unknown[] = [];
      for (const x of v.items) {
        const j = termToJson(x);
        if (!j.ok) return j;
        items.push(j.value);
      }
      return { ok: true, value: items };
    }
    case 'object': {
      const obj: Record<string, unknown> = {};
      for (const [k, x] of v.pairs) {
        const kj = termToJson(k);
        const xj = termToJson(x);
        if (!kj.ok || !xj.ok) return { ok: false };
        obj[typeof kj.value === 'string' ? kj.value : JSON.stringify(kj.value)] = xj.value;
      }
      return { ok: true, value: obj };
    }
    default:
      return { ok: false };
  }
}
