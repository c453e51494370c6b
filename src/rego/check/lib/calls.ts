// Calls must name a builtin or a function rule, with as many arguments as it takes (or one more: the
// output); a v1 module may not call a deprecated builtin. `with` targets must name input, data, a builtin or a function.

import type { Diagnostic, Ref, Rule, Term } from '../../ast/types.js';
import type { BuiltinCatalog } from '../../builtins/catalog.js';
import { opName } from './resolve.js';
import type { RuleIndex } from './ruletree.js';
import { walkRule } from './walk.js';

export function checkCalls(rule: Rule, index: RuleIndex, builtins: BuiltinCatalog, diagnostics: Diagnostic[]): void {
  walkRule(rule, {
    call(operator, args, at) {
      checkCall(operator, args.length, at.location, index, builtins, diagnostics, rule.module.regoVersion === 1);
    },
    expr(e) {
      for (const w of e.with) {
        const t = w.target.value;
        const ref = t.type === 'ref' ? t.terms : undefined;
        const head = ref?.[0]?.value;
        if (ref === undefined || head?.type !== 'var') continue;
        if (head.name === 'input' || head.name === 'data') continue;
        const name = opName(ref);
        if (name === undefined || !builtins.has(name)) {
          diagnostics.push({ code: 'rego_type_error', message: `with keyword target must reference existing input, data, or a function`, location: w.target.location });
        }
      }
    },
  });
}

function checkCall(operator: Ref, nargs: number, location: Term['location'], index: RuleIndex, builtins: BuiltinCatalog, diagnostics: Diagnostic[], v1: boolean): void {
  const name = opName(operator);
  if (name === undefined) {
    diagnostics.push({ code: 'rego_type_error', message: 'call operator must be a function name', location });
    return;
  }
  let arity: number | undefined;
  if (name.startsWith('data.')) {
    arity = index.functions.get(name.slice(5));
    if (arity === undefined) {
      diagnostics.push({ code: 'rego_type_error', message: `undefined function ${name}`, location });
      return;
    }
  } else {
    const b = builtins.get(name);
    if (b === undefined) {
      diagnostics.push({ code: 'rego_type_error', message: `undefined function ${name}`, location });
      return;
    }
    // Builtins OPA deprecated (`all`, `cast_array`, `re_match`, …) remain for v0 modules only.
    if (b.deprecated === true && v1) {
      diagnostics.push({ code: 'rego_type_error', message: `deprecated built-in function calls in expression: ${name}`, location });
      return;
    }
    if (b.variadic) return;
    arity = b.arity;
  }
  if (nargs !== arity && nargs !== arity + 1) {
    const want = nargs < arity ? 'too few arguments' : 'too many arguments';
    diagnostics.push({ code: 'rego_type_error', message: `${name}: arity mismatch: ${want} (have ${nargs}, want ${arity})`, location });
  }
}

/** Input arity of a resolved call operator, -1 when unknown. */
export function arityOf(operator: Ref, index: RuleIndex, builtins: BuiltinCatalog): number {
  const name = opName(operator);
  if (name === undefined) return -1;
  if (name.startsWith('data.')) return index.functions.get(name.slice(5)) ?? -1;
  const b = builtins.get(name);
  if (b === undefined || b.variadic) return -1;
  return b.arity;
}
