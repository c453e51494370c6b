// How often each local of one IR function is read: lets the lowering leave out work whose result nobody
// reads (a Scan's unused key) and recognise a membership scan whose loop variables are not seen after it.

import type { Block, Local, Operand, Stmt } from '../plan/ir.js';

export type ReadCounts = ReadonlyMap<Local, number>;

/** Reads of every local in `blocks`; `extra` locals (the function's return) count as read once more.
 *  Undefined when a statement is of a kind this pass does not know (then nothing may be left out). */
export function countReads(blocks: readonly Block[], extra: readonly Local[] = []): ReadCounts | undefined {
  const counts = new Map<Local, number>();
  let unknown = false;
  const read = (l: Local): void => {
    counts.set(l, (counts.get(l) ?? 0) + 1);
  };
  const op = (o: Operand): void => {
    if (o.kind === 'local') read(o.local);
  };
  const block = (b: Block): void => {
    for (const s of b.stmts) stmt(s);
  };
  const stmt = (s: Stmt): void => {
    switch (s.type) {
      case 'ReturnLocal':
        return read(s.source);
      case 'Call':
        return s.args.forEach(op);
      case 'CallDynamic':
        s.path.forEach(op);
        return s.args.forEach(read);
      case 'Block':
        return s.blocks.forEach(block);
      case 'Dot':
        op(s.source);
        return op(s.key);
      case 'Len':
        return op(s.source);
      case 'Scan':
        read(s.source);
        return block(s.block);
      case 'Not':
        return block(s.block);
      case 'AssignVar':
        return op(s.source);
      case 'AssignVarOnce':
        op(s.source);
        return read(s.target); // compared with the new value
      case 'Equal':
      case 'NotEqual':
        op(s.a);
        return op(s.b);
      case 'IsArray':
      case 'IsObject':
      case 'IsSet':
        return op(s.source);
      case 'IsDefined':
      case 'IsUndefined':
        return read(s.source);
      case 'ArrayAppend':
        op(s.value);
        return read(s.array);
      case 'ObjectInsert':
      case 'ObjectInsertOnce':
        op(s.key);
        op(s.value);
        return read(s.object);
      case 'ObjectMerge':
        read(s.a);
        return read(s.b);
      case 'SetAdd':
        op(s.value);
        return read(s.set);
      case 'With':
        read(s.local);
        op(s.value);
        return block(s.block);
      case 'ResultSetAdd':
        return read(s.value);
      case 'Break':
      case 'AssignInt':
      case 'ResetLocal':
      case 'MakeNull':
      case 'MakeNumberInt':
      case 'MakeNumberRef':
      case 'MakeArray':
      case 'MakeObject':
      case 'MakeSet':
      case 'Nop':
        return;
      default:
        unknown = true;
    }
  };
  blocks.forEach(block);
  extra.forEach(read);
  return unknown ? undefined : counts;
}
