// The checks and rewrites between parser and planner (OPA's compiler stages, in its order).
//
// CONTRACT — what `check` returns, and what the planner may rely on (only when `diagnostics` is empty):
//  1. Names are resolved. Every reference to a rule or package is a ref whose first term is the var
//     `data` followed by string keys (`data.pkg.p`, `data.pkg.p[x]`): rules of the same package named
//     bare (`p`, `p[x]`), imports (`import data.x.y as z` → `data.x.y`, `import input.foo` → `input.foo`).
//     Bare `input`/`data` are one-term refs. Call operators are `data.pkg.f` refs for functions, or the
//     builtin's name as written (`[var count]`, `[var object, "get"]`, `[var internal, "member_2"]`;
//     infix operators as `plus`, `eq`, `assign`…).
//  2. Locals are renamed `__localN__`, unique within one rule (each `else` branch and each extra body is
//     its own rule, numbering continuing along an else chain). Function args, `:=`, `some`, `some … in`,
//     `every` vars, free vars and every `_` are all locals. Closure bodies (comprehensions, `every`) use
//     the enclosing body's name for a variable they share with it. `some x, y` declarations are removed
//     from bodies (they only scope names); `:=` stays `assign`, `some … in` stays `somein`.
//  3. Bodies are ordered for safety: each expression comes after those that bind its input variables,
//     written order kept otherwise; closure bodies likewise, given the variables bound before them.
//     Head vars (key, value, ref keys) are bound by the body or are args.
//  4. There is no recursion, every call names a builtin or a function with a matching arity (args or
//     args + 1 output), rule kinds at one path agree, and there is at most one default per rule.
//  Rules keep `kind`, `head.ref` (relative to the package, first term the rule's name), `default`,
//  `else`; `module` points to the returned module. Nested call terms are left in place (not lifted).
// Diagnostics are collected (never thrown) and sorted by location.

import type { Diagnostic, Module, Rule } from '../ast/types.js';
import { BUILTINS, type BuiltinCatalog } from '../builtins/catalog.js';
import { sortDiagnostics } from '../parser/index.js';
import { arityOf, checkCalls } from './lib/calls.js';
import { checkRecursion } from './lib/recursion.js';
import { RuleResolver } from './lib/resolve.js';
import { type RuleIndex, buildRuleIndex, moduleGlobals } from './lib/ruletree.js';
import { checkRuleSafety } from './lib/safety.js';

export interface CheckOptions {
  /** The builtins calls may name (default: all of OPA's). */
  builtins?: BuiltinCatalog;
  /** Pass names to skip (tests): see `PASSES`. */
  skip?: string[];
}

export interface CheckResult {
  modules: Module[];
  diagnostics: Diagnostic[];
}

interface CheckState {
  modules: Module[];
  builtins: BuiltinCatalog;
  diagnostics: Diagnostic[];
  index: RuleIndex;
  /** Per resolved rule: local name → name in the source. */
  names: WeakMap<Rule, Map<string, string>>;
}

export interface Pass {
  name: string;
  run(state: CheckState): void;
}

/** In OPA's stage order; as OPA's compiler does, the passes after one that reported errors do not run. */
export const PASSES: Pass[] = [
  { name: 'resolveRefsAndLocals', run: resolveRefsAndLocals },
  { name: 'checkRuleConflicts', run: checkRuleConflicts },
  { name: 'checkCalls', run: checkAllCalls },
  { name: 'checkSafety', run: checkSafety },
  { name: 'checkRecursion', run: (s) => checkRecursion(s.modules, s.diagnostics) },
];

export function check(modules: Module[], opts: CheckOptions = {}): CheckResult {
  const state: CheckState = {
    modules,
    builtins: opts.builtins ?? BUILTINS,
    diagnostics: [],
    index: { groups: new Map(), functions: new Map(), packages: new Set() },
    names: new WeakMap(),
  };
  const skip = new Set(opts.skip ?? []);
  for (const pass of PASSES) {
    if (skip.has(pass.name)) continue;
    try {
      pass.run(state);
      if (state.diagnostics.length > 0) break;
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      const at = modules[0]?.package[0]?.location ?? { file: '', line: 1, col: 1 };
      state.diagnostics.push({ code: 'rego_compile_error', message: `${pass.name}: input too deeply nested`, location: at });
      break;
    }
  }
  sortDiagnostics(state.diagnostics);
  return { modules: state.modules, diagnostics: state.diagnostics };
}

function checkRuleConflicts(s: CheckState): void {
  s.index = buildRuleIndex(s.modules, s.diagnostics);
}

function resolveRefsAndLocals(s: CheckState): void {
  s.modules = s.modules.map((m) => {
    const globals = moduleGlobals(m, s.modules);
    const out: Module = { file: m.file, package: m.package, imports: m.imports, rules: [], regoVersion: m.regoVersion };
    out.rules = m.rules.map((r) => {
      const resolver = new RuleResolver({ globals, builtins: s.builtins, diagnostics: s.diagnostics });
      const resolved = resolver.resolveRule(r, out);
      for (let x: Rule | undefined = resolved; x !== undefined; x = x.else) s.names.set(x, resolver.original);
      return resolved;
    });
    return out;
  });
  s.index = buildRuleIndex(s.modules, []); // reported by checkRuleConflicts; built here so it can be skipped
}

function checkAllCalls(s: CheckState): void {
  for (const m of s.modules) for (const r of m.rules) checkCalls(r, s.index, s.builtins, s.diagnostics);
}

function checkSafety(s: CheckState): void {
  const arity = (op: Parameters<typeof arityOf>[0]): number => arityOf(op, s.index, s.builtins);
  for (const m of s.modules) {
    m.rules = m.rules.map((r) => safeChain(r, arity, s));
  }
}

function safeChain(rule: Rule, arity: (op: Parameters<typeof arityOf>[0]) => number, s: CheckState): Rule {
  const names = s.names.get(rule) ?? new Map<string, string>();
  const out = checkRuleSafety(rule, { arity, names, diagnostics: s.diagnostics });
  if (rule.else !== undefined) out.else = safeChain(rule.else, arity, s);
  return out;
}
