// graph.reachable_paths, a host builtin as in OPA's Wasm: OPA's path semantics (ends at a leaf, before a
// node outside the graph, before a node the walk already reached) and its operand type errors.
import t from 'tap';
import { createHostBuiltins } from '../../src/rego/host-builtins.js';

const paths = createHostBuiltins().builtins['graph.reachable_paths'] as (g: unknown, i: unknown) => unknown[][];
const sorted = (ps: unknown[][]) => ps.map((p) => JSON.stringify(p)).sort();

t.test('paths', async (t) => {
  t.same(paths({}, ['a']), [], 'an initial node outside the graph has no path');
  t.same(paths({ a: ['b'], b: ['c'], c: ['a'] }, ['a']), [['a', 'b', 'c']], 'a cycle ends before the node it closes on');
  t.same(sorted(paths({ a: ['b', 'c'], b: ['c'], c: [] }, ['a'])), sorted([['a', 'b', 'c'], ['a', 'c']]));
  t.same(sorted(paths({ a: ['b'], b: ['gone'] }, ['a', 'b'])), sorted([['a', 'b'], ['b']]), 'a neighbour outside the graph is left out');
  t.same(paths({ a: null }, ['a']), [['a']], 'no edges: the path ends there');
  // A node's earlier neighbours count as reached for its later ones (six → seven stops at six), but
  // what a sibling's subtree reached does not (eight → three goes on).
  const g = { one: ['two', 'five'], two: ['four'], four: ['three'], three: [''], five: ['seven', 'six'], six: ['nine', 'seven'], seven: ['eight'], eight: ['three'], nine: [''] };
  t.same(sorted(paths(g, ['one'])), sorted([
    ['one', 'two', 'four', 'three'],
    ['one', 'five', 'seven', 'eight', 'three'],
    ['one', 'five', 'six', 'nine'],
    ['one', 'five', 'six'],
  ]));
});

t.test('operand errors are type errors', async (t) => {
  t.throws(() => paths(1, ['a']), { code: 'eval_type_error', message: 'graph.reachable_paths: operand 1 must be object but got number' });
  t.throws(() => paths({ a: [] }, 'a'), { code: 'eval_type_error', message: 'graph.reachable_paths: operand 2 must be one of {set, array} but got string' });
});
