// Calls: `=`/`:=` become unification; `x in xs` is lowered to a Scan; user functions (refs into
// `data`) and builtins become Call statements. A call with one argument more than the callee's arity
// captures its result in that argument (`count(xs, n)`); a call standing alone as an expression holds
// when its result is not `false`. `with f as …` mocks are resolved here.
import type { Location, Ref, Term } from '../ast/types.js';
import { isBuiltin, builtinArity, isRelation } from './builtins.js';
import { PlanError, unsupported } from './errors.js';
import type { Local, Operand } from './ir.js';
import { termVars } from './lib/vars.js';
import { DATA, INPUT, type Mock, type Next, type OperandNext, type Planner, local } from './planner.js';
import { planScan } from './refs.js';
import { planRuleNode } from './rules.js';
import { type TreeNode, arity } from './ruletree.js';
import { planTerm, planTerms } from './terms.js';
import { unify, unifyLocal } from './unify.js';

type Callee =
  | { kind: 'func'; name: string; arity: number }
  | { kind: 'builtin'; name: string; arity: number | undefined }
  | { kind: 'value'; value: Term; arity: number | undefined }
  | { kind: 'member'; arity: number }
  | { kind: 'print' };

/** `a.b.c` for a var followed by strings; undefined for anything else. */
export function operatorText(op: Ref): string | undefined {
  const head = op[0]?.value;
  if (head?.type !== 'var') return undefined;
  const parts = [head.name];
  for (const t of op.slice(1)) {
    if (t.value.type !== 'string') return undefined;
    parts.push(t.value.value);
  }
  return parts.join('.');
}

/** The rule node of a user function `data.pkg.f`, if the operator names one. */
export function functionNode(p: Planner, op: Ref): TreeNode | undefined {
  const head = op[0]?.value;
  if (head?.type !== 'var' || head.name !== 'data') return undefined;
  if (!op.slice(1).every((t) => t.value.type === 'string')) return undefined;
  const node = p.tree.find(op.slice(1).map((t) => (t.value as { value: string }).value));
  return node !== undefined && node.rules.length > 0 && arity(node) > 0 ? node : undefined;
}

function resolve(p: Planner, operator: Ref, location: Location): Callee {
  const text = operatorText(operator);
  if (text === undefined) throw unsupported('a call through a computed function reference', location);
  const mock = p.lookupMock(text);
  const node = functionNode(p, operator);
  if (mock !== undefined) return resolveReplacement(p, mock, node !== undefined ? arity(node) : builtinArity(text), location);
  if (node !== undefined) return { kind: 'func', name: planRuleNode(p, node), arity: arity(node) };
  if (operator[0]!.value.type === 'var' && operator[0]!.value.name === 'data') {
    throw new PlanError('rego_type_error', `undefined function ${text}`, location);
  }
  if (text === 'internal.member_2') return { kind: 'member', arity: 2 };
  if (text === 'internal.member_3') return { kind: 'member', arity: 3 };
  if (text === 'print' || text === 'internal.print') return { kind: 'print' };
  if (!isBuiltin(text)) throw new PlanError('rego_type_error', `undefined function ${text}`, location);
  return { kind: 'builtin', name: text, arity: builtinArity(text) };
}

/** `with f as g` (a function), `with f as count` (a builtin) or `with f as <value>`. */
function resolveReplacement(p: Planner, { value: mock, frame }: Mock, natural: number | undefined, location: Location): Callee {
  const v = mock.value;
  const ref = v.type === 'ref' ? v.terms : v.type === 'var' ? [mock] : undefined;
  if (ref !== undefined) {
    const node = functionNode(p, ref);
    if (node !== undefined) return { kind: 'func', name: p.withoutMocks(() => planRuleNode(p, node)), arity: arity(node) };
    const text = operatorText(ref);
    const head = ref[0]!.value;
    if (text !== undefined && head.type === 'var' && p.lookupVar(head.name) === undefined && isBuiltin(text)) {
      return { kind: 'builtin', name: text, arity: builtinArity(text) };
    }
  }
  // A value replacement is planned where the call is: variables of the `with`'s body are out of reach there.
  if (frame !== p.frame && termVars(mock).some((name) => name !== 'input' && name !== 'data')) {
    throw unsupported('a with replacement value that uses local variables, for a call inside another rule', location);
  }
  return { kind: 'value', value: mock, arity: natural };
}

/** A call standing as an expression of a body. */
export function planCallExpr(p: Planner, operator: Ref, args: Term[], location: Location, next: Next): void {
  const text = operatorText(operator);
  if (text === 'eq' || text === 'assign') {
    if (args.length !== 2) throw new PlanError('rego_type_error', `${text} takes two operands`, location);
    return unify(p, args[0]!, args[1]!, next);
  }
  const callee = resolve(p, operator, location);
  if (callee.kind === 'print') return next();
  const n = callee.arity ?? args.length;
  if (args.length !== n && args.length !== n + 1) {
    throw new PlanError('rego_type_error', `${text ?? 'function'}: expected ${n} arguments, got ${args.length}`, location);
  }
  const captured = args.length === n + 1 ? args[n]! : undefined;
  const relation = callee.kind === 'builtin' && isRelation(callee.name);
  invoke(p, callee, args.slice(0, n), (result) => {
    if (captured === undefined) {
      if (relation) return nonEmpty(p, result, next);
      p.emit({ type: 'NotEqual', a: result, b: { kind: 'bool', value: false } });
      return next();
    }
    if (relation) return planScan(p, result, (_key, value) => unifyLocal(p, local(value), captured, next));
    unifyLocal(p, result, captured, next);
  });
}

/** A call used as a term (`count(xs) > 1`, `a + b`). */
export function planCallTerm(p: Planner, operator: Ref, args: Term[], location: Location, next: OperandNext): void {
  const callee = resolve(p, operator, location);
  if (callee.kind === 'print') return next({ kind: 'bool', value: true });
  const n = callee.arity ?? args.length;
  if (args.length !== n) {
    throw new PlanError('rego_type_error', `${operatorText(operator) ?? 'function'}: expected ${n} arguments, got ${args.length}`, location);
  }
  if (callee.kind === 'builtin' && isRelation(callee.name)) throw unsupported(`the relation ${callee.name} used as a value`, location);
  invoke(p, callee, args, next);
}

function invoke(p: Planner, callee: Exclude<Callee, { kind: 'print' }>, args: Term[], next: OperandNext): void {
  switch (callee.kind) {
    case 'member':
      return planMembership(p, args, (result) => next(local(result)));
    case 'value':
      return planTerms(p, args, () => planTerm(p, callee.value, next));
    case 'func':
      return planTerms(p, args, (ops) => {
        const result = p.newLocal();
        p.emit({ type: 'Call', func: callee.name, args: [local(INPUT), local(DATA), ...ops], result });
        next(local(result));
      });
    case 'builtin':
      return planTerms(p, args, (ops) => {
        p.useBuiltin(callee.name, ops.length);
        const result = p.newLocal();
        p.emit({ type: 'Call', func: callee.name, args: ops, result });
        next(local(result));
      });
  }
}

/** `x in xs` / `k, v in xs`: true when some element matches, false otherwise (also for non-collections). */
function planMembership(p: Planner, args: Term[], next: (result: Local) => void): void {
  planTerms(p, args, (ops) => {
    const [key, value, coll] = ops.length === 3 ? ops : [undefined, ops[0]!, ops[1]!];
    const result = p.newLocal();
    p.emit({ type: 'AssignVar', source: { kind: 'bool', value: false }, target: result });
    const block = p.inBlock({ stmts: [] }, () =>
      planScan(p, coll!, (k, v) => {
        if (key !== undefined) p.emit({ type: 'Equal', a: local(k), b: key });
        p.emit({ type: 'Equal', a: local(v), b: value! });
        p.emit({ type: 'AssignVar', source: { kind: 'bool', value: true }, target: result });
      }),
    );
    p.emit({ type: 'Block', blocks: [block] });
    next(result);
  });
}

function nonEmpty(p: Planner, result: Operand, next: Next): void {
  const size = p.newLocal();
  const zero = p.newLocal();
  p.emit({ type: 'Len', source: result, target: size });
  p.emit({ type: 'MakeNumberInt', value: 0, target: zero });
  p.emit({ type: 'NotEqual', a: local(size), b: local(zero) });
  next();
}
