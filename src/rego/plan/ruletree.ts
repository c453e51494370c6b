// The tree of virtual documents: every rule hangs at the node of its head's leading string path
// (`data.pkg.a.b[x].c` hangs at `pkg.a.b`). A node that carries rules absorbs the rules of the nodes
// below it, so one planned function produces the whole value at that path.
import type { Module, Rule, Term } from '../ast/types.js';

export interface RuleEntry {
  rule: Rule;
  /** Full head reference from `data`: `data.pkg.a.b[x]`. For a multi-value rule, the path of the set. */
  ref: Term[];
  multi: boolean;
}

export interface TreeNode {
  /** String keys below `data`. */
  path: string[];
  children: Map<string, TreeNode>;
  rules: RuleEntry[];
}

export function ruleRef(rule: Rule): Term[] {
  const head = rule.head.ref;
  const first = head[0]!;
  if (first.value.type === 'var' && first.value.name === 'data') return head;
  const name: Term = first.value.type === 'var' ? { value: { type: 'string', value: first.value.name }, location: first.location } : first;
  return [...rule.module.package, name, ...head.slice(1)];
}

/** Number of leading string terms after `data`. */
export function staticLength(ref: Term[]): number {
  let n = 0;
  for (let i = 1; i < ref.length && ref[i]!.value.type === 'string'; i++) n++;
  return n;
}

export function arity(node: TreeNode): number {
  return node.rules[0]?.rule.head.args?.length ?? 0;
}

export class RuleTree {
  readonly root: TreeNode = { path: [], children: new Map(), rules: [] };
  /** Paths that a `with data.…` modifier currently replaces: rules at and below them are invisible. */
  private readonly hidden: string[][] = [];

  constructor(modules: Module[]) {
    for (const module of modules) {
      this.insert(module.package.slice(1).map(stringOf));
      for (const rule of module.rules) {
        const ref = ruleRef(rule);
        const node = this.insert(ref.slice(1, 1 + staticLength(ref)).map(stringOf));
        node.rules.push({ rule, ref, multi: rule.kind === 'partial_set' });
      }
    }
    absorb(this.root);
  }

  private insert(path: string[]): TreeNode {
    let node = this.root;
    for (const key of path) {
      let child = node.children.get(key);
      if (child === undefined) {
        child = { path: [...node.path, key], children: new Map(), rules: [] };
        node.children.set(key, child);
      }
      node = child;
    }
    return node;
  }

  /** The node at exactly this path, if any (hidden or not). */
  find(path: string[]): TreeNode | undefined {
    let node: TreeNode | undefined = this.root;
    for (const key of path) {
      node = node.children.get(key);
      if (node === undefined) return undefined;
    }
    return node;
  }

  /** The rule node on the way to `path` (at it or above it), if any. */
  ruleNodeAbove(path: string[]): TreeNode | undefined {
    let node: TreeNode | undefined = this.root;
    for (const key of path) {
      if (node.rules.length > 0) return node;
      node = node.children.get(key);
      if (node === undefined) return undefined;
    }
    return node.rules.length > 0 ? node : undefined;
  }

  isHidden(node: TreeNode): boolean {
    return this.hidden.some((h) => h.length <= node.path.length && h.every((k, i) => node.path[i] === k));
  }

  hide(path: string[]): void {
    this.hidden.push(path);
  }

  unhide(): void {
    this.hidden.pop();
  }
}

function stringOf(t: Term): string {
  if (t.value.type !== 'string') throw new TypeError('package and static rule paths are strings');
  return t.value.value;
}

function absorb(node: TreeNode): void {
  if (node.rules.length > 0) {
    const collect = (n: TreeNode): void => {
      for (const child of n.children.values()) {
        node.rules.push(...child.rules);
        collect(child);
      }
    };
    collect(node);
    node.children.clear();
    return;
  }
  for (const child of node.children.values()) absorb(child);
}
