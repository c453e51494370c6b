// graph.reachable is compiled into the runtime, as OPA's Wasm has it: breadth-first from the initial
// nodes over an object of neighbour sets or arrays; only keys of the graph are reached.
import t from 'tap';
import { compileRego, loadRegoPolicy } from '../../src/rego/index.js';
import { loadRuntime } from './builtins-harness.js';

t.test('results', async (t) => {
  const rt = await loadRuntime();
  const rows: [string, string, string | undefined][] = [
    ['{}', '{"a"}', 'set()'],
    ['{"a": {"b"}, "b": {"c"}, "c": {"a"}}', '{"a"}', '{"a","b","c"}'],
    ['{"a": ["b"], "b": ["c"], "c": []}', '["b"]', '{"b","c"}'],
    ['{"a": {"b"}, "b": {"z"}}', '{"a"}', '{"a","b"}'],
    ['{"a": null}', '["a"]', '{"a"}'],
    ['{1: [2], 2: [1]}', '[2]', '{1,2}'],
    ['1', '["a"]', undefined],
    ['{"a": []}', '"a"', undefined],
  ];
  for (const [graph, initial, want] of rows) t.equal(rt.call('graph_reachable', graph, initial), want, `graph.reachable(${graph}, ${initial})`);
});

t.test('linked into a policy, not imported', async (t) => {
  const source = 'package g\n\nr := graph.reachable(input.g, input.from)\n';
  const c = compileRego({ files: [{ path: 'g.rego', source }], entrypoints: ['g/r'] });
  t.same(c.diagnostics, []);
  if (!c.wasm) return;
  const policy = await loadRegoPolicy(c.wasm, {});
  t.same(policy.importedBuiltins, []);
  const chain = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`n${i}`, [`n${i + 1}`]]));
  const [{ result }] = policy.evaluate({ g: chain, from: ['n0'] }, 'g/r') as [{ result: string[] }];
  t.equal(result.length, 500, 'a long chain: every key reached once');
});
