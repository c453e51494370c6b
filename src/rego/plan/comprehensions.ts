// Comprehensions: a collection made before a nested block whose body adds one element per solution.
// Variables bound inside the body stay inside it.
import type { Value } from '../ast/types.js';
import { planBody } from './bodies.js';
import { type OperandNext, type Planner, local } from './planner.js';
import { planTerm } from './terms.js';

type Comprehension = Extract<Value, { type: 'arraycomprehension' | 'setcomprehension' | 'objectcomprehension' }>;

export function planComprehension(p: Planner, c: Comprehension, next: OperandNext): void {
  const target = p.newLocal();
  let add: () => void;
  switch (c.type) {
    case 'arraycomprehension':
      p.emit({ type: 'MakeArray', capacity: 0, target });
      add = () => planTerm(p, c.term, (v) => p.emit({ type: 'ArrayAppend', value: v, array: target }));
      break;
    case 'setcomprehension':
      p.emit({ type: 'MakeSet', target });
      add = () => planTerm(p, c.term, (v) => p.emit({ type: 'SetAdd', value: v, set: target }));
      break;
    case 'objectcomprehension':
      p.emit({ type: 'MakeObject', target });
      add = () =>
        planTerm(p, c.key, (k) => planTerm(p, c.value, (v) => p.emit({ type: 'ObjectInsertOnce', key: k, value: v, object: target })));
      break;
  }
  const block = p.inBlock({ stmts: [] }, () => p.scoped(() => planBody(p, c.body, add)));
  p.emit({ type: 'Block', blocks: [block] });
  next(local(target));
}
