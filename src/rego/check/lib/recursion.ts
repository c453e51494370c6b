// Rules must not depend on themselves, directly or through other rules and functions (OPA's
// CheckRecursion): a dependency graph over rule paths, its strongly connected components, and one
// diagnostic per rule path on a cycle.

import type { Diagnostic, Location, Module, Rule, Term } from '../../ast/types.js';
import { packagePath, rulePath } from './ruletree.js';
import { walkRule } from './walk.js';

export function checkRecursion(modules: Module[], diagnostics: Diagnostic[]): void {
  const paths: string[][] = [];
  const keyOf = new Map<string, number>();
  const firstRule = new Map<number, Rule>();
  const nodeOf = (path: string[]): number => {
    const key = path.join('.');
    let id = keyOf.get(key);
    if (id === undefined) {
      id = paths.length;
      keyOf.set(key, id);
      paths.push(path);
    }
    return id;
  };
  const ruleNodes: [Rule, number][] = [];
  for (const m of modules) {
    const pkg = packagePath(m);
    for (const r of m.rules) {
      const id = nodeOf(rulePath(r, pkg));
      if (!firstRule.has(id)) firstRule.set(id, r);
      ruleNodes.push([r, id]);
    }
  }
  const edges: Set<number>[] = paths.map(() => new Set());
  const skipTargets = new WeakSet<Term[]>();
  for (const [rule, id] of ruleNodes) {
    walkRule(rule, {
      term(t) {
        if (t.value.type === 'ref') for (const dep of dependencies(t.value.terms, paths, skipTargets)) edges[id]!.add(dep);
      },
      call(operator) {
        for (const dep of dependencies(operator, paths, skipTargets)) edges[id]!.add(dep);
      },
      expr(e) {
        // a `with` target is replaced, not read
        for (const w of e.with) if (w.target.value.type === 'ref') skipTargets.add(w.target.value.terms);
      },
    });
  }
  for (const scc of stronglyConnected(edges)) {
    const cyclic = scc.length > 1 || edges[scc[0]!]!.has(scc[0]!);
    if (!cyclic) continue;
    const members = new Set(scc);
    for (const id of scc.sort((a, b) => a - b)) {
      const cycle = findCycle(id, edges, members).map((n) => `data.${paths[n]!.join('.')}`);
      const rule = firstRule.get(id)!;
      const location: Location = rule.location;
      diagnostics.push({ code: 'rego_recursion_error', message: `rule ${cycle[0]} is recursive: ${cycle.join(' -> ')}`, location });
    }
  }
}

/** Rule nodes a ref to `data…` may read: rules at or below its leading ground path, or above it. */
function dependencies(ref: Term[], paths: string[][], skipTargets: WeakSet<Term[]>): number[] {
  if (skipTargets.has(ref)) return [];
  const head = ref[0]?.value;
  if (head?.type !== 'var' || head.name !== 'data') return [];
  const prefix: string[] = [];
  // a non-string key ends the static path: a ground one (`data[2]`) matches no rule below it, a
  // variable or computed one matches them all
  let below = true;
  for (const t of ref.slice(1)) {
    if (t.value.type === 'string') {
      prefix.push(t.value.value);
      continue;
    }
    below = !['number', 'boolean', 'null'].includes(t.value.type);
    break;
  }
  const out: number[] = [];
  paths.forEach((p, id) => {
    if (p.length > prefix.length && !below) return;
    const n = Math.min(p.length, prefix.length);
    for (let i = 0; i < n; i++) if (p[i] !== prefix[i]) return;
    out.push(id);
  });
  return out;
}

function stronglyConnected(edges: Set<number>[]): number[][] {
  const n = edges.length;
  const index = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const stack: number[] = [];
  const out: number[][] = [];
  let counter = 0;
  // iterative Tarjan: rule graphs can be deep
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    const work: [number, number[]][] = [[root, [...edges[root]!]]];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = true;
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [v, succ] = frame;
      if (succ.length > 0) {
        const w = succ.pop()!;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = true;
          work.push([w, [...edges[w]!]]);
        } else if (onStack[w]) {
          low[v] = Math.min(low[v]!, index[w]!);
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]![0];
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] === index[v]) {
        const comp: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = false;
          comp.push(w);
        } while (w !== v);
        out.push(comp);
      }
    }
  }
  return out;
}

/** Shortest path from `start` back to itself inside the component. */
function findCycle(start: number, edges: Set<number>[], members: Set<number>): number[] {
  const prev = new Map<number, number>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of edges[v]!) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let x = v; x !== start; x = prev.get(x)!) path.push(x);
        path.push(start);
        return [path[0]!, ...path.slice(1, -1).reverse(), start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}
