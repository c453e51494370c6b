// A readable text form of a Policy (one statement a line, blocks indented), for tests and debugging.
import type { Block, Operand, Policy, Stmt } from './ir.js';

export function formatPolicy(policy: Policy): string {
  const out: string[] = [];
  const op = (o: Operand): string =>
    o.kind === 'local' ? `%${o.local}` : o.kind === 'bool' ? String(o.value) : JSON.stringify(policy.static.strings[o.index]);
  const block = (b: Block, indent: string): void => {
    for (const s of b.stmts) stmt(s, indent);
  };
  const blocks = (bs: Block[], indent: string): void => {
    bs.forEach((b, i) => {
      out.push(`${indent}block ${i}`);
      block(b, `${indent}  `);
    });
  };
  const stmt = (s: Stmt, indent: string): void => {
    switch (s.type) {
      case 'Block':
        out.push(`${indent}Block`);
        return blocks(s.blocks, `${indent}  `);
      case 'Scan':
        out.push(`${indent}Scan %${s.source} key=%${s.key} value=%${s.value}`);
        return block(s.block, `${indent}  `);
      case 'Not':
        out.push(`${indent}Not`);
        return block(s.block, `${indent}  `);
      case 'With':
        out.push(`${indent}With %${s.local} [${s.path.map((i) => policy.static.strings[i]).join('.')}] = ${op(s.value)}`);
        return block(s.block, `${indent}  `);
      default: {
        const literal = (k: string): boolean => k === 'capacity' || k === 'index' || (k === 'value' && (s.type === 'MakeNumberInt' || s.type === 'AssignInt'));
        const fields = Object.entries(s)
          .filter(([k]) => k !== 'type')
          .map(([k, v]) => `${k}=${literal(k) ? JSON.stringify(v) : render(v)}`);
        out.push(`${indent}${s.type} ${fields.join(' ')}`.trimEnd());
      }
    }
  };
  const render = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(render).join(', ')}]`;
    if (typeof v === 'object' && v !== null && 'kind' in v) return op(v as Operand);
    return typeof v === 'number' ? `%${v}` : JSON.stringify(v);
  };
  for (const plan of policy.plans) {
    out.push(`plan ${plan.name}`);
    blocks(plan.blocks, '  ');
  }
  for (const fn of policy.funcs) {
    out.push(`func ${fn.name}(${fn.params.map((l) => `%${l}`).join(', ')}) -> %${fn.return}`);
    blocks(fn.blocks, '  ');
  }
  return out.join('\n');
}
