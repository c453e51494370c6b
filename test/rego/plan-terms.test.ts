// Terms: large constant literals are planned without nesting continuations and reuse the locals of
// their elements, so policies embedding big tables neither overflow the stack nor run out of locals.
import t from 'tap';
import { formatDiagnostic } from '../../src/rego/ast/types.js';
import { check } from '../../src/rego/check/index.js';
import { parseModule } from '../../src/rego/parser/index.js';
import { plan } from '../../src/rego/plan/index.js';
import type { Block, Stmt } from '../../src/rego/plan/ir.js';
import { interpret } from '../helpers/ir-interpreter.js';

function maxLocal(blocks: Block[]): number {
  let max = 0;
  const visit = (s: Stmt): void => {
    for (const [k, v] of Object.entries(s)) if (typeof v === 'number' && k !== 'value' && k !== 'capacity' && k !== 'index') max = Math.max(max, v);
    if (s.type === 'Block') s.blocks.forEach((b) => b.stmts.forEach(visit));
    if (s.type === 'Scan' || s.type === 'Not' || s.type === 'With') s.block.stmts.forEach(visit);
  };
  blocks.forEach((b) => b.stmts.forEach(visit));
  return max;
}

t.test('a 20,000-element literal', async (t) => {
  const items = Array.from({ length: 20_000 }, (_, i) => `{"id": ${i}, "tags": ["t${i % 7}"]}`).join(', ');
  const parsed = parseModule('big.rego', `package big\n\ntable := [${items}]\n\nn := count(table)\n`, { regoVersion: 1 });
  if (!parsed.module) throw new Error(parsed.diagnostics.map(formatDiagnostic).join('\n'));
  const checked = check([parsed.module]);
  const r = plan(checked.modules, ['big/n']);
  t.same(r.diagnostics, []);
  if (!r.policy) return;
  const table = r.policy.funcs.find((f) => f.name.endsWith('.data.big.table'));
  t.ok(table);
  t.ok(maxLocal(table?.blocks ?? []) < 20, 'element locals are reused');
  t.same(interpret(r.policy, 'big/n', undefined, {}), [{ result: 20_000 }]);
});

t.test('literals mixing constants and iterating refs still take one value per solution', async (t) => {
  const parsed = parseModule('m.rego', 'package m\n\np contains [1, x, {"k": [2]}] if x := input.xs[_]\n', { regoVersion: 1 });
  const checked = check([parsed.module!]);
  const r = plan(checked.modules, ['m/p']);
  t.same(interpret(r.policy!, 'm/p', { xs: ['a', 'b'] }, {}), [{ result: [[1, 'a', { k: [2] }], [1, 'b', { k: [2] }]] }]);
});
