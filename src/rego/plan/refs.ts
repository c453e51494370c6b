// References. `input.a[x]` and refs into locals walk the value with Dot (known keys) and Scan (unbound
// variables). Refs into `data` walk the rule tree and the base document side by side: a rule node is
// called and the rest of the ref walks its value; a variable key enumerates the virtual children and
// then the base document's other keys; the end of a ref that stops above the rules builds the whole
// subtree (virtual values merged into the base document).
import type { Term } from '../ast/types.js';
import { PlanError } from './errors.js';
import type { Block, Local, Operand } from './ir.js';
import { isConstant, termVars } from './lib/vars.js';
import { DATA, INPUT, type OperandNext, type Planner, local } from './planner.js';
import { planRuleNode } from './rules.js';
import { type TreeNode, arity } from './ruletree.js';
import { planTerm } from './terms.js';
import { unifyLocal } from './unify.js';

export function planRef(p: Planner, ref: Term[], next: OperandNext): void {
  const head = ref[0]!;
  if (head.value.type !== 'var') return planTerm(p, head, (op) => walkRef(p, op, ref, 1, next));
  const name = head.value.name;
  if (name === 'data') return planData(p, p.tree.root, [], ref, 1, next);
  const l = p.lookupVar(name);
  if (l === undefined) throw new PlanError('rego_unsafe_var_error', `var ${name} is unsafe`, head.location);
  if (l === INPUT && ref.length === 1) p.emit({ type: 'IsDefined', source: l });
  walkRef(p, local(l), ref, 1, next);
}

/**
 * Walks `terms[i:]` from `source`: Dot for keys whose variables are all bound, Scan otherwise. In the
 * base document (`baseData`) an integer key also finds the object key of its text (`data.a[2]` reads
 * `{"2": …}`), as OPA's storage does.
 */
export function walkRef(p: Planner, source: Operand, terms: Term[], i: number, next: OperandNext, baseData = false): void {
  if (i >= terms.length) return next(source);
  const t = terms[i]!;
  const rest = (value: Operand): void => walkRef(p, value, terms, i + 1, next, baseData);
  if (baseData && t.value.type === 'number' && /^-?\d+$/.test(t.value.raw)) {
    const raw = t.value.raw;
    return planTerm(p, t, (key) => {
      const target = p.newLocal();
      p.emit({ type: 'ResetLocal', target });
      const asNumber: Block = { stmts: [{ type: 'Dot', source, key, target }, { type: 'Break', index: 1 }] };
      p.emit({ type: 'Block', blocks: [{ stmts: [{ type: 'Block', blocks: [asNumber] }, { type: 'Dot', source, key: p.strOp(raw), target }] }] });
      p.emit({ type: 'IsDefined', source: target });
      rest(local(target));
    });
  }
  if (!hasUnboundVars(p, t)) {
    return planTerm(p, t, (key) => {
      const target = p.newLocal();
      p.emit({ type: 'Dot', source, key, target });
      rest(local(target));
    });
  }
  planScan(p, source, (key, value) => unifyLocal(p, local(key), t, () => rest(local(value))));
}

/** A Scan over `source`; `body` plans the per-element statements. */
export function planScan(p: Planner, source: Operand, body: (key: Local, value: Local) => void): void {
  const src = p.toLocal(source);
  const key = p.newLocal();
  const value = p.newLocal();
  const block = p.inBlock({ stmts: [] }, () => body(key, value));
  p.emit({ type: 'Scan', source: src, key, value, block });
}

export function hasUnboundVars(p: Planner, t: Term): boolean {
  return termVars(t).some((v) => p.lookupVar(v) === undefined);
}

function visible(p: Planner, node: TreeNode | undefined): TreeNode | undefined {
  return node !== undefined && !p.tree.isHidden(node) ? node : undefined;
}

function stringTerm(s: string, at: Term): Term {
  return { value: { type: 'string', value: s }, location: at.location };
}

/**
 * Plans `ref[i:]` below the rule-tree `node` (undefined once only base data remains) whose base
 * document sits at `basePath` under `data`.
 */
function planData(p: Planner, node: TreeNode | undefined, basePath: Term[], ref: Term[], i: number, next: OperandNext): void {
  const vnode = visible(p, node);
  if (vnode === undefined) return walkRef(p, local(DATA), [...basePath, ...ref.slice(i)], 0, next, true);
  if (vnode.rules.length > 0) {
    if (arity(vnode) > 0) {
      throw new PlanError('rego_type_error', `function data.${vnode.path.join('.')} used as a value`, ref[0]!.location);
    }
    const result = callRuleNode(p, vnode);
    return walkRef(p, local(result), ref, i, next);
  }
  if (i >= ref.length) return planExtent(p, vnode, basePath, next);
  const t = ref[i]!;
  if (t.value.type === 'string') return planData(p, vnode.children.get(t.value.value), [...basePath, t], ref, i + 1, next);
  if (isConstant(t)) return planData(p, undefined, [...basePath, t], ref, i + 1, next);

  const children = [...vnode.children.entries()].filter(([, child]) => visible(p, child) !== undefined);
  if (children.length === 0) return planData(p, undefined, basePath, ref, i, next);

  // The virtual children, one block each: bind the key, continue below that child.
  const blocks = children.map(([key, child]) =>
    p.inBlock({ stmts: [] }, () =>
      p.scoped(() => unifyLocal(p, p.strOp(key), t, () => planData(p, child, [...basePath, stringTerm(key, t)], ref, i + 1, next))),
    ),
  );
  p.emit({ type: 'Block', blocks });

  // The base document's keys that no virtual child shadows.
  const exclude = p.newLocal();
  p.emit({ type: 'MakeSet', target: exclude });
  for (const [key] of children) p.emit({ type: 'SetAdd', value: p.strOp(key), set: exclude });
  const notShadowed = (key: Operand): void => {
    const ignore = p.newLocal();
    p.emit({ type: 'Not', block: { stmts: [{ type: 'Dot', source: local(exclude), key, target: ignore }] } });
  };
  p.scoped(() =>
    walkRef(p, local(DATA), basePath, 0, (base) => {
      if (!hasUnboundVars(p, t)) {
        return planTerm(p, t, (key) => {
          notShadowed(key);
          const target = p.newLocal();
          p.emit({ type: 'Dot', source: base, key, target });
          walkRef(p, local(target), ref, i + 1, next, true);
        });
      }
      planScan(p, base, (key, value) =>
        unifyLocal(p, local(key), t, () => {
          notShadowed(local(key));
          walkRef(p, local(value), ref, i + 1, next, true);
        }),
      );
    }),
  );
}

export function callRuleNode(p: Planner, node: TreeNode): Local {
  const name = planRuleNode(p, node);
  const result = p.newLocal();
  p.emit({ type: 'Call', func: name, args: [local(INPUT), local(DATA)], result });
  return result;
}

/** The whole document at a rule-tree node: its virtual values merged into the base document there. */
function planExtent(p: Planner, node: TreeNode, basePath: Term[], next: OperandNext): void {
  const virtual = planVirtualExtent(p, node);
  const target = p.newLocal();
  const inner = p.inBlock({ stmts: [] }, () =>
    walkRef(p, local(DATA), basePath, 0, (base) => {
      p.emit({ type: 'ObjectMerge', a: p.toLocal(base), b: virtual, target });
      p.emit({ type: 'Break', index: 1 });
    }),
  );
  // The base document wins where both define a scalar (as OPA's merge); no base: the virtual value alone.
  const outer: Block = { stmts: [{ type: 'Block', blocks: [inner] }, { type: 'AssignVar', source: local(virtual), target }] };
  p.emit({ type: 'Block', blocks: [outer] });
  next(local(target));
}

/** The object of the values the rules below `node` produce (functions and undefined rules left out). */
function planVirtualExtent(p: Planner, node: TreeNode): Local {
  const obj = p.newLocal();
  p.emit({ type: 'MakeObject', target: obj });
  for (const [key, child] of node.children) {
    if (visible(p, child) === undefined) continue;
    if (child.rules.length > 0) {
      if (arity(child) > 0) continue;
      const block = p.inBlock({ stmts: [] }, () => {
        const value = callRuleNode(p, child);
        p.emit({ type: 'ObjectInsert', key: p.strOp(key), value: local(value), object: obj });
      });
      p.emit({ type: 'Block', blocks: [block] });
    } else {
      const value = planVirtualExtent(p, child);
      p.emit({ type: 'ObjectInsert', key: p.strOp(key), value: local(value), object: obj });
    }
  }
  return obj;
}
