// Rule nodes to Funcs. Every rule node becomes one function of (input, data, args…) returning the
// value at the node's path: a complete value or a function result (checked for conflicts with
// AssignVarOnce, with `else` chains short-circuiting on the first defined branch and the default
// rule filling in when nothing else did), a set (multi-value rules), or, when some head has
// variables below the node (`a.b[x] := …`, `q[k] := …`), an object built key by key with
// ObjectInsertOnce so that two rules giving one key different values is a conflict.
import type { Rule, Term } from '../ast/types.js';
import { planBody } from './bodies.js';
import { PlanError } from './errors.js';
import type { Block, Func, Local, Operand } from './ir.js';
import { BodyFrame, type Planner, local } from './planner.js';
import { type RuleEntry, type TreeNode, arity } from './ruletree.js';
import { planTerm } from './terms.js';
import { unifyLocal } from './unify.js';


/** Plans (once per `with` generation) the function of a rule node and returns its name. */
export function planRuleNode(p: Planner, node: TreeNode): string {
  const key = JSON.stringify(node.path);
  const cached = p.cachedFunc(key);
  if (cached !== undefined) return cached;
  const first = node.rules[0]!.rule;
  const prefix = p.funcPrefix();
  // The same rule planned again under other mocks (a replacement calling the original) is no recursion.
  const planning = `${prefix}:${key}`;
  if (!p.enter(planning)) {
    throw new PlanError('rego_recursion_error', `rule data.${node.path.join('.')} is recursive`, first.location);
  }
  try {
    const n = arity(node);
    const frame = new BodyFrame(0, { stmts: [] });
    const fn = p.inFrame(frame, () => buildFunc(p, node, n, `${prefix}.data.${node.path.join('.')}`, [prefix, ...node.path]));
    p.funcs.push(fn);
    p.cacheFunc(key, fn.name);
    return fn.name;
  } finally {
    p.leave(planning);
  }
}

function buildFunc(p: Planner, node: TreeNode, nargs: number, name: string, path: string[]): Func {
  const input = p.newLocal();
  const data = p.newLocal();
  const ret = p.newLocal();
  const args: Local[] = [];
  for (let i = 0; i < nargs; i++) args.push(p.newLocal());
  const fn: Func = { name, params: [input, data, ...args], return: ret, blocks: [], path };

  const depth = node.path.length + 1; // terms of a ref that name the node itself: data + path
  const entries = [...node.rules].sort((a, b) => b.ref.length - a.ref.length);
  const buildObject = entries.some((e) => e.ref.length > depth);
  const multi = entries.some((e) => e.multi);
  if (buildObject) fn.blocks.push({ stmts: [{ type: 'MakeObject', target: ret }] });
  else if (multi) fn.blocks.push({ stmts: [{ type: 'MakeSet', target: ret }] });

  // One local per rule (and its else chain) so that `else` can see whether an earlier branch held.
  const result = p.newLocal();
  const single = !buildObject && !multi;
  let defaultEntry: RuleEntry | undefined;

  for (const entry of entries) {
    if (entry.rule.default) {
      defaultEntry = entry;
      continue;
    }
    let blocks = fn.blocks;
    if (entry.rule.else !== undefined) {
      const chain: Block[] = [];
      fn.blocks.push({ stmts: [{ type: 'Block', blocks: chain }] });
      blocks = chain;
    }
    let prev: Rule | undefined;
    for (let rule: Rule | undefined = entry.rule; rule !== undefined; prev = rule, rule = rule.else) {
      const branch = rule;
      const block: Block = { stmts: [] };
      blocks.push(block);
      p.scoped(() =>
        p.inBlock(block, () => {
          p.emit(prev === undefined ? { type: 'ResetLocal', target: result } : { type: 'IsUndefined', source: result });
          matchArgs(p, args, branch.head.args ?? entry.rule.head.args ?? [], () =>
            planBody(p, branch.body, () => planHead(p, entry, branch, { ret, result, depth, buildObject })),
          );
        }),
      );
    }
    if (single) blocks.push({ stmts: [{ type: 'IsDefined', source: result }, { type: 'AssignVarOnce', source: local(result), target: ret }] });
  }

  if (defaultEntry !== undefined) {
    const rule = defaultEntry.rule;
    const block: Block = { stmts: [{ type: 'IsUndefined', source: ret }] };
    fn.blocks.push(block);
    p.scoped(() =>
      p.inBlock(block, () =>
        planBody(p, rule.body, () => planTerm(p, headValue(rule), (v) => p.emit({ type: 'AssignVarOnce', source: v, target: ret }))),
      ),
    );
  }
  fn.blocks.push({ stmts: [{ type: 'ReturnLocal', source: ret }] });
  return fn;
}

function matchArgs(p: Planner, params: Local[], args: Term[], next: () => void): void {
  const step = (i: number): void => {
    if (i === args.length) return next();
    unifyLocal(p, local(params[i]!), args[i]!, () => step(i + 1));
  };
  step(0);
}

function headValue(rule: Rule): Term {
  return rule.head.value ?? { value: { type: 'boolean', value: true }, location: rule.head.location };
}

interface HeadTargets {
  ret: Local;
  result: Local;
  depth: number;
  buildObject: boolean;
}

/** What one solution of a rule body contributes to the node's value. */
function planHead(p: Planner, entry: RuleEntry, rule: Rule, t: HeadTargets): void {
  if (!t.buildObject) {
    if (entry.multi) return planTerm(p, elementOf(rule, entry), (v) => p.emit({ type: 'SetAdd', value: v, set: t.ret }));
    return planTerm(p, headValue(rule), (v) => p.emit({ type: 'AssignVarOnce', source: v, target: t.result }));
  }
  const keys = entry.ref.slice(t.depth);
  const last = keys[keys.length - 1];
  if (last === undefined) {
    throw new PlanError('rego_compile_error', `rule data.${refPath(entry.ref)} conflicts with the rules below it`, rule.location);
  }
  const parents = keys.slice(0, -1);
  if (entry.multi) {
    return planNested(p, t.ret, parents, (obj) =>
      planTerm(p, last, (key) =>
        planTerm(p, elementOf(rule, entry), (v) =>
          dotOr(p, obj, key, 'set', (set) => p.emit({ type: 'SetAdd', value: v, set })),
        ),
      ),
    );
  }
  planTerm(p, headValue(rule), (v) =>
    planNested(p, t.ret, parents, (obj) => planTerm(p, last, (key) => p.emit({ type: 'ObjectInsertOnce', key, value: v, object: obj }))),
  );
}

function elementOf(rule: Rule, entry: RuleEntry): Term {
  const key = rule.head.key ?? entry.rule.head.key;
  if (key === undefined) throw new PlanError('rego_compile_error', 'multi-value rule without an element', rule.location);
  return key;
}

/** Descends (creating as needed) the objects at `keys` below `obj`. */
function planNested(p: Planner, obj: Local, keys: Term[], next: (obj: Local) => void): void {
  if (keys.length === 0) return next(obj);
  planTerm(p, keys[0]!, (key) => dotOr(p, obj, key, 'object', (child) => planNested(p, child, keys.slice(1), next)));
}

/** `obj[key]`, or a fresh object/set stored there when absent; `next` may add to it. */
function dotOr(p: Planner, obj: Local, key: Operand, make: 'object' | 'set', next: (child: Local) => void): void {
  const child = p.newLocal();
  const found: Block = { stmts: [{ type: 'Dot', source: local(obj), key, target: child }, { type: 'Break', index: 1 }] };
  const create = make === 'object' ? ({ type: 'MakeObject', target: child } as const) : ({ type: 'MakeSet', target: child } as const);
  p.emit({ type: 'Block', blocks: [{ stmts: [{ type: 'Block', blocks: [found] }, create] }] });
  next(child);
  p.emit({ type: 'ObjectInsert', key, value: local(child), object: obj });
}

function refPath(ref: Term[]): string {
  return ref
    .slice(1)
    .map((t) => (t.value.type === 'string' ? t.value.value : '[…]'))
    .join('.');
}
