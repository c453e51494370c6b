// Parses, checks and plans one Rego v1 module for the planner tests, throwing the formatted
// diagnostics of the first stage that fails so a broken fixture names its line.
import { formatDiagnostic } from '../../src/rego/ast/types.js';
import { check } from '../../src/rego/check/index.js';
import { parseModule } from '../../src/rego/parser/index.js';
import { plan } from '../../src/rego/plan/index.js';
import type { Policy } from '../../src/rego/plan/ir.js';

export function planPolicy(source: string, entrypoints: string[], file = 'test.rego'): Policy {
  const parsed = parseModule(file, source, { regoVersion: 1 });
  if (!parsed.module) throw new Error(parsed.diagnostics.map(formatDiagnostic).join('\n'));
  const checked = check([parsed.module]);
  if (checked.diagnostics.length > 0) throw new Error(checked.diagnostics.map(formatDiagnostic).join('\n'));
  const r = plan(checked.modules, entrypoints);
  if (!r.policy) throw new Error(r.diagnostics.map(formatDiagnostic).join('\n'));
  return r.policy;
}
