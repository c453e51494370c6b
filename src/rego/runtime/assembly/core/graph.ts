// graph.reachable(graph, initial): the set of nodes reachable from `initial` in a graph given as an
// object from node to a set or array of neighbours — compiled in, as OPA's Wasm has it. As OPA's Go
// builtin: a node is reached only if it is a key of the graph; neighbours of other types are ignored.

import {
  TYPE_ARRAY, TYPE_OBJECT, TYPE_SET, makeArray, arrAppend, arrLen, arrGet, makeSet, setAdd, setContains, objGet,
} from '../value';
import { typeError } from '../error';

/** Appends the members of a set or array (anything else has none). */
function enqueue(queue: usize, vertices: usize, reached: usize): void {
  const t = load<u8>(vertices);
  if (t != TYPE_SET && t != TYPE_ARRAY) return;
  const n = load<i32>(vertices, 4);
  const e = load<usize>(vertices, 12);
  for (let i = 0; i < n; i++) {
    const v = load<usize>(e + (<usize>i << 2));
    if (!setContains(reached, v)) arrAppend(queue, v);
  }
}

export function b_graph_reachable(graph: usize, initial: usize): usize {
  if (load<u8>(graph) != TYPE_OBJECT) return typeError('graph.reachable', 1, 'object', graph);
  const t = load<u8>(initial);
  if (t != TYPE_SET && t != TYPE_ARRAY) return typeError('graph.reachable', 2, 'one of {set, array}', initial);
  const reached = makeSet();
  const queue = makeArray(8);
  enqueue(queue, initial, reached);
  // Breadth first; a node already reached has had its neighbours queued.
  for (let i = 0; i < arrLen(queue); i++) {
    const node = arrGet(queue, i);
    if (setContains(reached, node)) continue;
    const edges = objGet(graph, node);
    if (edges == 0) continue;
    setAdd(reached, node);
    enqueue(queue, edges, reached);
  }
  return reached;
}
