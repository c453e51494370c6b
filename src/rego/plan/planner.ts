// The planner's state: the policy being built (strings, builtins, funcs), the rule tree, the stack of
// planned-function caches and mocks that `with` pushes, and the frame of the body being planned now
// (its locals, its current block, its variable scopes). Lowering itself lives in the sibling files.
import type { Module, Term } from '../ast/types.js';
import type { Block, Func, Local, Operand, Stmt } from './ir.js';
import { RuleTree } from './ruletree.js';

export type Next = () => void;
export type OperandNext = (value: Operand) => void;

export const INPUT: Local = 0;
export const DATA: Local = 1;

/** One function or plan being planned: locals are numbered per frame, blocks nest as planning recurses. */
export class BodyFrame {
  nextLocal: number;
  curr: Block;
  readonly vars: Map<string, Local>[];

  constructor(firstFree: number, block: Block) {
    this.nextLocal = firstFree;
    this.curr = block;
    this.vars = [new Map([['input', INPUT], ['data', DATA]])];
  }
}

/** A replacement that `with f as …` installs, and the body frame of the `with` (where its variables live). */
export interface Mock {
  value: Term;
  frame: BodyFrame;
}

/** Mocks of one `with` expression by the replaced ref's text (`data.pkg.f`, `count`). */
export type MockFrame = Map<string, Mock>;

export class Planner {
  readonly strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();
  readonly builtins = new Map<string, number>();
  readonly funcs: Func[] = [];
  readonly tree: RuleTree;
  /** Planned functions by rule-node path; a `with` that changes what rules mean pushes a fresh map. */
  private readonly funcCaches: { prefix: string; funcs: Map<string, string> }[] = [{ prefix: 'g0', funcs: new Map() }];
  private generation = 0;
  private hiddenKeys = 0;
  private readonly inProgress = new Set<string>();
  /** Scopes of mock frames: planning a replacement function opens a new, empty scope. */
  private readonly mocks: MockFrame[][] = [[]];
  frame: BodyFrame;

  constructor(modules: Module[]) {
    this.tree = new RuleTree(modules);
    this.frame = new BodyFrame(2, { stmts: [] });
  }

  // ------------------------------------------------------------------ statics

  str(s: string): number {
    let i = this.stringIndex.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.stringIndex.set(s, i);
    }
    return i;
  }

  strOp(s: string): Operand {
    return { kind: 'string', index: this.str(s) };
  }

  useBuiltin(name: string, arity: number): void {
    if (!this.builtins.has(name)) this.builtins.set(name, arity);
  }

  // ------------------------------------------------------------------ locals, blocks, statements

  newLocal(): Local {
    return this.frame.nextLocal++;
  }

  emit(stmt: Stmt): void {
    this.frame.curr.stmts.push(stmt);
  }

  /** Plans `fn` with statements going to `block`. */
  inBlock(block: Block, fn: () => void): Block {
    const prev = this.frame.curr;
    this.frame.curr = block;
    try {
      fn();
    } finally {
      this.frame.curr = prev;
    }
    return block;
  }

  /** A Local holding the operand's value (constants are materialised). */
  toLocal(op: Operand): Local {
    if (op.kind === 'local') return op.local;
    const l = this.newLocal();
    this.emit({ type: 'AssignVar', source: op, target: l });
    return l;
  }

  /** Runs `fn` in a new body frame (a function being planned) and restores the current one after. */
  inFrame<T>(frame: BodyFrame, fn: () => T): T {
    const prev = this.frame;
    this.frame = frame;
    try {
      return fn();
    } finally {
      this.frame = prev;
    }
  }

  // ------------------------------------------------------------------ variables

  lookupVar(name: string): Local | undefined {
    const vars = this.frame.vars;
    for (let i = vars.length - 1; i >= 0; i--) {
      const l = vars[i]!.get(name);
      if (l !== undefined) return l;
    }
    return undefined;
  }

  bindVar(name: string, local: Local): void {
    this.frame.vars[this.frame.vars.length - 1]!.set(name, local);
  }

  /** Bindings made inside `fn` are dropped afterwards (sibling blocks, comprehensions, negation). */
  scoped(fn: () => void): void {
    this.frame.vars.push(new Map());
    try {
      fn();
    } finally {
      this.frame.vars.pop();
    }
  }

  // ------------------------------------------------------------------ planned functions

  cachedFunc(key: string): string | undefined {
    return this.funcCaches[this.funcCaches.length - 1]!.funcs.get(key);
  }

  cacheFunc(key: string, name: string): void {
    this.funcCaches[this.funcCaches.length - 1]!.funcs.set(key, name);
  }

  funcPrefix(): string {
    return this.funcCaches[this.funcCaches.length - 1]!.prefix;
  }

  /** Starts planning of a rule node; false when it is already being planned (recursion). */
  enter(key: string): boolean {
    if (this.inProgress.has(key)) return false;
    this.inProgress.add(key);
    return true;
  }

  leave(key: string): void {
    this.inProgress.delete(key);
  }

  /** Rules planned inside `fn` are planned afresh (a `with` changed data or installed mocks). */
  pushFuncCache(): void {
    this.generation++;
    this.funcCaches.push({ prefix: `g${this.generation}`, funcs: new Map() });
  }

  popFuncCache(): void {
    this.funcCaches.pop();
  }

  // ------------------------------------------------------------------ mocks

  /** A key of `data` no document can have (it holds a NUL): where a `with` carries a replacement value. */
  hiddenWithKey(): string {
    return `\u0000with${this.hiddenKeys++}`;
  }

  lookupMock(key: string): Mock | undefined {
    const scope = this.mocks[this.mocks.length - 1]!;
    for (let i = scope.length - 1; i >= 0; i--) {
      const t = scope[i]!.get(key);
      if (t !== undefined) return t;
    }
    return undefined;
  }

  pushMocks(frame: MockFrame): void {
    this.mocks[this.mocks.length - 1]!.push(frame);
  }

  popMocks(): void {
    this.mocks[this.mocks.length - 1]!.pop();
  }

  /** Plans `fn` with no mocks in force (the body of a replacement function). */
  withoutMocks<T>(fn: () => T): T {
    this.mocks.push([]);
    this.pushFuncCache();
    try {
      return fn();
    } finally {
      this.popFuncCache();
      this.mocks.pop();
    }
  }
}

export function local(l: Local): Operand {
  return { kind: 'local', local: l };
}
