// A subset of Go's text/template, for strings.render_template (OPA executes the template with
// missingkey=error over the variables as JSON): text, `{{.a.b}}`, `{{.}}`, `{{$x}}`, literals, the
// functions len/index/print/eq/ne/lt/le/gt/ge/not/and/or, `if`/`else if`/`else`, `range` (with `$i, $v :=`
// or `$v :=`), `with`, comments and the `{{-`/`-}}` trim markers. Values print as Go's fmt %v would.

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipe }
  | { kind: 'if' | 'with'; pipe: Pipe; then: Node[]; else: Node[] }
  | { kind: 'range'; vars: string[]; pipe: Pipe; body: Node[]; else: Node[] };

/** A command: a function name with arguments, or a single operand. */
type Pipe = { decl: string[]; cmds: Term[][] };
type Term = { t: 'field'; base: 'dot' | string; path: string[] } | { t: 'lit'; v: unknown } | { t: 'fn'; name: string } | { t: 'pipe'; pipe: Pipe };

interface Token {
  kind: 'text' | 'action';
  text: string;
}

function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) {
      out.push({ kind: 'text', text: src.slice(i) });
      break;
    }
    let text = src.slice(i, open);
    let start = open + 2;
    if (src[start] === '-' && /\s/.test(src[start + 1] ?? '')) {
      text = text.replace(/\s+$/, '');
      start += 1;
    }
    if (text) out.push({ kind: 'text', text });
    const close = findClose(src, start);
    if (close < 0) throw new TemplateError('template: unclosed action');
    let end = close;
    let next = close + 2;
    if (src[close - 1] === '-' && /\s/.test(src[close - 2] ?? '')) {
      end = close - 1;
      while (next < src.length && /\s/.test(src[next] as string)) next++;
    }
    out.push({ kind: 'action', text: src.slice(start, end).trim() });
    i = next;
  }
  return out;
}

/** The `}}` closing an action, skipping string literals. */
function findClose(src: string, from: number): number {
  let i = from;
  while (i < src.length) {
    const c = src[i];
    if (c === '"' || c === '`') {
      const q = c;
      i++;
      while (i < src.length && src[i] !== q) i += q === '"' && src[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (c === '}' && src[i + 1] === '}') return i;
    i++;
  }
  return -1;
}

function splitWords(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === '`') {
      const start = i;
      i++;
      while (i < s.length && s[i] !== c) i += c === '"' && s[i] === '\\' ? 2 : 1;
      out.push(s.slice(start, ++i));
      continue;
    }
    if (c === '(' || c === ')' || c === '|' || c === ',') {
      out.push(c);
      i++;
      continue;
    }
    const start = i;
    while (i < s.length && !/[\s()|,]/.test(s[i] as string)) i++;
    out.push(s.slice(start, i));
  }
  return out;
}

function parsePipe(words: string[]): Pipe {
  let ws = words;
  let decl: string[] = [];
  const assign = ws.indexOf(':=');
  if (assign >= 0) {
    decl = ws.slice(0, assign).filter((w) => w !== ',');
    ws = ws.slice(assign + 1);
  }
  const cmds: Term[][] = [];
  let cur: Term[] = [];
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i] as string;
    if (w === '|') {
      cmds.push(cur);
      cur = [];
      continue;
    }
    if (w === '(') {
      let depth = 1;
      let j = i + 1;
      for (; j < ws.length && depth > 0; j++) depth += ws[j] === '(' ? 1 : ws[j] === ')' ? -1 : 0;
      cur.push({ t: 'pipe', pipe: parsePipe(ws.slice(i + 1, j - 1)) });
      i = j - 1;
      continue;
    }
    cur.push(parseTerm(w));
  }
  cmds.push(cur);
  if (cmds.some((c) => c.length === 0)) throw new TemplateError('template: missing value for command');
  return { decl, cmds };
}

function parseTerm(w: string): Term {
  if (w === '.') return { t: 'field', base: 'dot', path: [] };
  if (w.startsWith('.')) return { t: 'field', base: 'dot', path: w.slice(1).split('.') };
  if (w.startsWith('$')) {
    const [v, ...path] = w.split('.');
    return { t: 'field', base: v as string, path };
  }
  if (w.startsWith('"')) return { t: 'lit', v: JSON.parse(w) as string };
  if (w.startsWith('`')) return { t: 'lit', v: w.slice(1, -1) };
  if (w === 'true' || w === 'false') return { t: 'lit', v: w === 'true' };
  if (w === 'nil') return { t: 'lit', v: null };
  if (/^-?\d/.test(w)) return { t: 'lit', v: Number(w) };
  if (/^[A-Za-z_]\w*$/.test(w)) return { t: 'fn', name: w };
  throw new TemplateError(`template: unexpected "${w}" in command`);
}

function parse(tokens: Token[]): Node[] {
  let pos = 0;
  const block = (stops: string[]): { nodes: Node[]; stop: string; rest: string[] } => {
    const nodes: Node[] = [];
    while (pos < tokens.length) {
      const tok = tokens[pos++] as Token;
      if (tok.kind === 'text') {
        nodes.push({ kind: 'text', text: tok.text });
        continue;
      }
      if (tok.text.startsWith('/*')) continue;
      const words = splitWords(tok.text);
      const head = words[0] ?? '';
      if (stops.includes(head)) return { nodes, stop: head, rest: words.slice(1) };
      if (head === 'if' || head === 'with') nodes.push(conditional(head, words.slice(1)));
      else if (head === 'range') {
        const pipe = parsePipe(words.slice(1));
        const body = block(['else', 'end']);
        const els = body.stop === 'else' ? block(['end']).nodes : [];
        nodes.push({ kind: 'range', vars: pipe.decl, pipe: { decl: [], cmds: pipe.cmds }, body: body.nodes, else: els });
      } else if (head === 'end' || head === 'else') throw new TemplateError(`template: unexpected {{${head}}}`);
      else nodes.push({ kind: 'action', pipe: parsePipe(words) });
    }
    if (stops.length > 0) throw new TemplateError('template: unexpected EOF');
    return { nodes, stop: '', rest: [] };
  };
  const conditional = (kind: 'if' | 'with', words: string[]): Node => {
    const pipe = parsePipe(words);
    const then = block(['else', 'end']);
    let els: Node[] = [];
    if (then.stop === 'else') {
      if (then.rest[0] === 'if' || then.rest[0] === 'with') els = [conditional(then.rest[0] as 'if' | 'with', then.rest.slice(1))];
      else els = block(['end']).nodes;
    }
    return { kind, pipe, then: then.nodes, else: els };
  };
  return block([]).nodes;
}

function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

/** Go's fmt %v of a JSON value. */
export function goValueString(v: unknown): string {
  if (v === null || v === undefined) return '<no value>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 1e21 ? String(v) : goFloat(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => (x === null ? '<nil>' : goValueString(x))).join(' ')}]`;
  const o = v as Record<string, unknown>;
  return `map[${Object.keys(o)
    .sort()
    .map((k) => `${k}:${o[k] === null ? '<nil>' : goValueString(o[k])}`)
    .join(' ')}]`;
}

function goFloat(f: number): string {
  const s = String(f);
  const m = /^(-?[\d.]+)e([+-])(\d+)$/.exec(s);
  return m ? `${m[1]}e${m[2]}${(m[3] as string).padStart(2, '0')}` : s;
}

type Scope = Map<string, unknown>;

const FUNCS: Record<string, (...a: unknown[]) => unknown> = {
  len: (x) => {
    if (typeof x === 'string') return Buffer.byteLength(x);
    if (Array.isArray(x)) return x.length;
    if (x !== null && typeof x === 'object') return Object.keys(x).length;
    throw new TemplateError(`len of ${typeof x}`);
  },
  index: (x, ...keys) => keys.reduce((cur, k) => (cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[k as string] : undefined), x),
  print: (...a) => a.map(goValueString).join(''),
  eq: (a, ...bs) => bs.some((b) => a === b),
  ne: (a, b) => a !== b,
  lt: (a, b) => (a as number) < (b as number),
  le: (a, b) => (a as number) <= (b as number),
  gt: (a, b) => (a as number) > (b as number),
  ge: (a, b) => (a as number) >= (b as number),
  not: (a) => !truthy(a),
  and: (...a) => a.find((x) => !truthy(x)) ?? a[a.length - 1],
  or: (...a) => a.find((x) => truthy(x)) ?? a[a.length - 1],
};

function field(base: unknown, path: readonly string[], name: string): unknown {
  let cur = base;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) throw new TemplateError(`template: executing "" at <${name}>: can't evaluate field ${key}`);
    if (!(key in (cur as object))) throw new TemplateError(`template: executing "" at <${name}>: map has no entry for key "${key}"`);
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function evalTerm(t: Term, dot: unknown, scope: Scope): unknown {
  switch (t.t) {
    case 'lit':
      return t.v;
    case 'pipe':
      return evalPipe(t.pipe, dot, scope);
    case 'fn':
      throw new TemplateError(`template: function "${t.name}" used as a value`);
    case 'field': {
      const name = t.base === 'dot' ? `.${t.path.join('.')}` : [t.base, ...t.path].join('.');
      if (t.base === 'dot') return field(dot, t.path, name);
      if (!scope.has(t.base)) throw new TemplateError(`template: undefined variable "${t.base}"`);
      return field(scope.get(t.base), t.path, name);
    }
  }
}

function evalPipe(p: Pipe, dot: unknown, scope: Scope): unknown {
  let prev: unknown;
  p.cmds.forEach((cmd, i) => {
    const [head, ...args] = cmd as [Term, ...Term[]];
    const extra = i > 0 ? [prev] : [];
    if (head.t === 'fn') {
      const f = FUNCS[head.name];
      if (!f) throw new TemplateError(`template: function "${head.name}" not defined`);
      prev = f(...args.map((a) => evalTerm(a, dot, scope)), ...extra);
    } else {
      if (args.length > 0 || extra.length > 0) throw new TemplateError('template: can\'t give argument to non-function');
      prev = evalTerm(head, dot, scope);
    }
  });
  for (const d of p.decl) scope.set(d, prev);
  return prev;
}

function exec(nodes: readonly Node[], dot: unknown, scope: Scope, out: string[]): void {
  for (const n of nodes) {
    switch (n.kind) {
      case 'text':
        out.push(n.text);
        break;
      case 'action': {
        const v = evalPipe(n.pipe, dot, scope);
        if (n.pipe.decl.length === 0) out.push(goValueString(v));
        break;
      }
      case 'if':
      case 'with': {
        const inner = new Map(scope);
        const v = evalPipe(n.pipe, dot, inner);
        if (truthy(v)) exec(n.then, n.kind === 'with' ? v : dot, inner, out);
        else exec(n.else, dot, inner, out);
        break;
      }
      case 'range': {
        const v = evalPipe(n.pipe, dot, scope);
        let items: [unknown, unknown][] = [];
        if (Array.isArray(v)) items = v.map((x, i) => [i, x]);
        else if (v !== null && typeof v === 'object') items = Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]);
        else if (typeof v === 'number' && Number.isInteger(v)) items = Array.from({ length: Math.max(0, v) }, (_, i) => [i, i]);
        else if (v !== null && v !== undefined) throw new TemplateError(`template: range can't iterate over ${goValueString(v)}`);
        if (items.length === 0) {
          exec(n.else, dot, new Map(scope), out);
          break;
        }
        for (const [k, x] of items) {
          const inner = new Map(scope);
          if (n.vars.length === 1) inner.set(n.vars[0] as string, x);
          else if (n.vars.length >= 2) {
            inner.set(n.vars[0] as string, k);
            inner.set(n.vars[1] as string, x);
          }
          exec(n.body, x, inner, out);
        }
        break;
      }
    }
  }
}

/** Executes a template over `vars` (JSON); throws TemplateError as Go's template package would fail. */
export function renderGoTemplate(src: string, vars: unknown): string {
  const nodes = parse(lex(src));
  const out: string[] = [];
  exec(nodes, vars, new Map([['$', vars]]), out);
  return out.join('');
}
