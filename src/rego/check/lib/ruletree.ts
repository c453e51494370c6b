// The rules of all modules by path (package path + the leading string keys of the head ref), the
// names each package exports to bare references, and the checks on how rules at one path combine:
// conflicting kinds, several defaults, functions of different arities, rules nested under a
// complete rule, packages under a rule.

import type { Diagnostic, Module, Ref, Rule, Term } from '../../ast/types.js';

export interface RuleGroup {
  path: string[];
  rules: Rule[];
}

export interface RuleIndex {
  /** `a.b.p` (without `data.`) → the rules whose head path is exactly that. */
  groups: Map<string, RuleGroup>;
  /** Function paths → arity. */
  functions: Map<string, number>;
  packages: Set<string>;
}

export function packagePath(m: Module): string[] {
  return m.package.slice(1).map((t) => (t.value.type === 'string' ? t.value.value : '?'));
}

/** The string path of a rule: package path then the head ref's leading string keys. */
export function rulePath(rule: Rule, pkg: string[]): string[] {
  const out = [...pkg];
  const head = rule.head.ref[0]!;
  out.push(head.value.type === 'var' ? head.value.name : '?');
  for (const t of rule.head.ref.slice(1)) {
    if (t.value.type !== 'string') break;
    out.push(t.value.value);
  }
  return out;
}

export function buildRuleIndex(modules: Module[], diagnostics: Diagnostic[]): RuleIndex {
  const groups = new Map<string, RuleGroup>();
  const packages = new Set<string>();
  for (const m of modules) {
    const pkg = packagePath(m);
    packages.add(pkg.join('.'));
    for (const r of m.rules) {
      const path = rulePath(r, pkg);
      const key = path.join('.');
      let g = groups.get(key);
      if (g === undefined) groups.set(key, (g = { path, rules: [] }));
      g.rules.push(r);
    }
  }
  const functions = new Map<string, number>();
  for (const [key, g] of groups) checkGroup(key, g, functions, diagnostics);
  checkNesting(groups, packages, diagnostics);
  return { groups, functions, packages };
}

function checkGroup(key: string, g: RuleGroup, functions: Map<string, number>, diagnostics: Diagnostic[]): void {
  const name = `data.${key}`;
  const kinds = new Set(g.rules.map((r) => r.kind));
  const conflict = (kinds.has('function') && kinds.size > 1) || (kinds.has('partial_set') && kinds.size > 1) || (kinds.has('complete') && kinds.has('partial_object') && g.rules.some((r) => r.kind === 'complete' && isExactPath(r)));
  if (conflict) {
    const second = g.rules.find((r) => r.kind !== g.rules[0]!.kind) ?? g.rules[0]!;
    diagnostics.push({ code: 'rego_type_error', message: `conflicting rules ${name} found`, location: second.location });
  }
  const defaults = g.rules.filter((r) => r.default);
  if (defaults.length > 1) {
    diagnostics.push({ code: 'rego_type_error', message: `multiple default rules ${name} found`, location: defaults[1]!.location });
  }
  const fns = g.rules.filter((r) => r.kind === 'function');
  if (fns.length > 0) {
    const arity = fns[0]!.head.args?.length ?? 0;
    const other = fns.find((r) => (r.head.args?.length ?? 0) !== arity);
    if (other !== undefined) {
      diagnostics.push({ code: 'rego_type_error', message: `conflicting rules ${name} found: functions must have the same arity`, location: other.location });
    }
    functions.set(key, arity);
  }
}

function isExactPath(r: Rule): boolean {
  return r.head.ref.slice(1).every((t: Term) => t.value.type === 'string');
}

/** A complete, set or function rule cannot have rules or packages below its path. */
function checkNesting(groups: Map<string, RuleGroup>, packages: Set<string>, diagnostics: Diagnostic[]): void {
  const keys = [...groups.keys()];
  for (const [key, g] of groups) {
    const leaf = g.rules.some((r) => r.kind !== 'partial_object' && isExactPath(r));
    if (!leaf) continue;
    const prefix = `${key}.`;
    const below = keys.filter((k) => k.startsWith(prefix));
    if (below.length > 0) {
      diagnostics.push({ code: 'rego_type_error', message: `rule data.${key} conflicts with [${below.map((k) => `data.${k}`).join(' ')}]`, location: g.rules[0]!.location });
    }
    for (const p of packages) {
      if (p === key || p.startsWith(prefix)) {
        const r = g.rules[0]!;
        const at = `${r.location.file}:${r.location.line}`;
        diagnostics.push({ code: 'rego_type_error', message: `package data.${p} conflicts with rule ${refText(r.head.ref)} defined at ${at}`, location: r.location });
      }
    }
  }
}

function refText(ref: Ref): string {
  return ref.map((t, i) => (i === 0 && t.value.type === 'var' ? t.value.name : t.value.type === 'string' ? `.${t.value.value}` : t.value.type === 'var' ? `[${t.value.name}]` : '[...]')).join('');
}

/** Bare names visible in a module: its package's rule names (from every module of the package), then imports. */
export function moduleGlobals(m: Module, modules: Module[]): Map<string, Ref> {
  const pkg = packagePath(m);
  const key = pkg.join('.');
  const globals = new Map<string, Ref>();
  const at = m.package[0]!.location;
  for (const other of modules) {
    if (packagePath(other).join('.') !== key) continue;
    for (const r of other.rules) {
      const head = r.head.ref[0]!.value;
      if (head.type !== 'var' || globals.has(head.name)) continue;
      globals.set(head.name, [{ value: { type: 'var', name: 'data' }, location: at }, ...[...pkg, head.name].map((s): Term => ({ value: { type: 'string', value: s }, location: at }))]);
    }
  }
  for (const imp of m.imports) {
    const root = imp.path[0]!.value;
    if (root.type !== 'var' || (root.name !== 'data' && root.name !== 'input')) continue;
    const last = imp.path[imp.path.length - 1]!.value;
    const name = imp.alias ?? (last.type === 'string' ? last.value : last.type === 'var' ? last.name : undefined);
    if (name === undefined || name === 'data' || name === 'input') continue;
    globals.set(name, imp.path);
  }
  return globals;
}
