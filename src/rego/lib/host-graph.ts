// graph.reachable_paths, a host builtin as in OPA's Wasm (which compiles in graph.reachable only).
// Follows OPA's pathBuilder: depth first from each initial node that is in the graph; a path ends at a
// node without edges, before a neighbour that is not in the graph, or before a node already reached.
// "Reached" is per node: its earlier neighbours (and they alone, not their descendants) count as reached
// for its later ones, and a node passes a copy down — so sibling subtrees see each other's roots only.
import { operandError } from './builtin-error.js';

type Builtin = (...args: unknown[]) => unknown;
type Graph = Record<string, unknown>;

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

const key = (v: unknown): string => JSON.stringify(v);

/** Neighbours of a node: the members of a set (an array here: sets cross the host boundary as JSON
 *  arrays) or array; anything else has none. */
const vertices = (edges: unknown): unknown[] => (Array.isArray(edges) ? edges : []);

function edgesOf(graph: Graph, node: unknown): unknown {
  return typeof node === 'string' && Object.hasOwn(graph, node) ? graph[node] : undefined;
}

function walkPaths(graph: Graph, path: unknown[], reached: Set<string>, out: Map<string, unknown[]>): void {
  const commit = (p: unknown[]) => out.set(key(p), p);
  const node = path[path.length - 1];
  const edges = edgesOf(graph, node);
  if (edges === undefined) {
    commit(path.slice(0, -1));
    return;
  }
  const next = vertices(edges);
  if (next.length === 0) {
    commit(path);
    return;
  }
  const own = new Set(reached);
  for (const neighbour of next) {
    if (own.has(key(neighbour))) {
      commit(path);
      continue;
    }
    own.add(key(neighbour));
    walkPaths(graph, [...path, neighbour], new Set(own), out);
  }
}

export function graphBuiltins(): Record<string, Builtin> {
  return {
    'graph.reachable_paths': (graph, initial) => {
      if (typeof graph !== 'object' || graph === null || Array.isArray(graph)) throw operandError(`graph.reachable_paths: operand 1 must be object but got ${typeName(graph)}`);
      if (!Array.isArray(initial)) throw operandError(`graph.reachable_paths: operand 2 must be one of {set, array} but got ${typeName(initial)}`);
      const out = new Map<string, unknown[]>();
      for (const node of initial) {
        if (edgesOf(graph as Graph, node) !== undefined) walkPaths(graph as Graph, [node], new Set([key(node)]), out);
      }
      return [...out.values()];
    },
  };
}
