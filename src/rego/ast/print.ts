// Renders AST nodes back to Rego-like text: for tests, diagnostics and debugging the passes.
// Calls print in prefix form (`plus(x, 1)`), so the output shows exactly how the tree was grouped.

import type { Body, Expr, Module, Ref, Rule, Term } from './types.js';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function printRef(ref: Ref): string {
  let out = '';
  ref.forEach((t, i) => {
    if (i === 0) out += t.value.type === 'var' ? t.value.name : printTerm(t);
    else if (t.value.type === 'string' && IDENT.test(t.value.value)) out += `.${t.value.value}`;
    else out += `[${printTerm(t)}]`;
  });
  return out;
}

export function printTerm(t: Term): string {
  const v = t.value;
  switch (v.type) {
    case 'null':
      return 'null';
    case 'boolean':
      return String(v.value);
    case 'number':
      return v.raw;
    case 'string':
      return JSON.stringify(v.value);
    case 'var':
      return v.name;
    case 'ref':
      return printRef(v.terms);
    case 'array':
      return `[${v.items.map(printTerm).join(', ')}]`;
    case 'object':
      return `{${v.pairs.map(([k, x]) => `${printTerm(k)}: ${printTerm(x)}`).join(', ')}}`;
    case 'set':
      return v.items.length === 0 ? 'set()' : `{${v.items.map(printTerm).join(', ')}}`;
    case 'arraycomprehension':
      return `[${printTerm(v.term)} | ${printBody(v.body)}]`;
    case 'setcomprehension':
      return `{${printTerm(v.term)} | ${printBody(v.body)}}`;
    case 'objectcomprehension':
      return `{${printTerm(v.key)}: ${printTerm(v.value)} | ${printBody(v.body)}}`;
    case 'call':
      return `${printRef(v.operator)}(${v.args.map(printTerm).join(', ')})`;
  }
}

export function printExpr(e: Expr): string {
  const b = e.body;
  let s: string;
  switch (b.type) {
    case 'term':
      s = printTerm(b.term);
      break;
    case 'call':
      s = `${printRef(b.operator)}(${b.args.map(printTerm).join(', ')})`;
      break;
    case 'some':
      s = `some ${b.vars.map(printTerm).join(', ')}`;
      break;
    case 'somein':
      s = `some ${b.key ? `${printTerm(b.key)}, ` : ''}${printTerm(b.value)} in ${printTerm(b.collection)}`;
      break;
    case 'every':
      s = `every ${b.key ? `${printTerm(b.key)}, ` : ''}${printTerm(b.value)} in ${printTerm(b.domain)} { ${printBody(b.body)} }`;
      break;
  }
  if (e.negated) s = `not ${s}`;
  for (const w of e.with) s += ` with ${printTerm(w.target)} as ${printTerm(w.value)}`;
  return s;
}

export function printBody(body: Body): string {
  return body.map(printExpr).join('; ');
}

export function printRule(r: Rule): string {
  const h = r.head;
  let s = r.default ? 'default ' : '';
  s += printRef(h.ref);
  if (h.args) s += `(${h.args.map(printTerm).join(', ')})`;
  if (r.kind === 'partial_set' && h.key) s += ` contains ${printTerm(h.key)}`;
  s += printValueAndBody(r);
  for (let e = r.else; e; e = e.else) s += ` else${printValueAndBody(e)}`;
  return s;
}

function printValueAndBody(r: Rule): string {
  let s = r.head.value ? ` ${r.head.assign ? ':=' : '='} ${printTerm(r.head.value)}` : '';
  if (r.body.length > 0) s += ` if { ${printBody(r.body)} }`;
  return s;
}

export function printModule(m: Module): string {
  const lines = [`package ${printRef(m.package.slice(1).length ? [{ value: { type: 'var', name: stringOf(m.package[1]!) }, location: m.package[0]!.location }, ...m.package.slice(2)] : m.package)}`];
  for (const i of m.imports) lines.push(`import ${printRef(i.path)}${i.alias ? ` as ${i.alias}` : ''}`);
  for (const r of m.rules) lines.push(printRule(r));
  return lines.join('\n');
}

function stringOf(t: Term): string {
  return t.value.type === 'string' ? t.value.value : printTerm(t);
}
