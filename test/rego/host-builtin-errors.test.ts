// Host builtins fail as OPA's topdown does: an operand of the wrong type or range is eval_type_error,
// other failures eval_builtin_error (under strict builtin errors; otherwise the call is undefined).
import t from 'tap';
import { createHostBuiltins } from '../../src/rego/host-builtins.js';
import { compileRego, loadRegoPolicy, RegoEvalError } from '../../src/rego/index.js';
import { BuiltinError } from '../../src/rego/lib/builtin-error.js';

const { builtins } = createHostBuiltins();
const call = (name: string, ...args: unknown[]) => (builtins[name] as (...a: unknown[]) => unknown)(...args);

function thrown(f: () => unknown): BuiltinError | undefined {
  try {
    f();
  } catch (err) {
    if (err instanceof BuiltinError) return err;
    throw err;
  }
  return undefined;
}

t.test('numbers.range_step: a step that is not above zero is a builtin error in OPA words', async (t) => {
  for (const step of [0, -2]) {
    const err = thrown(() => call('numbers.range_step', 0, 10, step));
    t.equal(err?.code, 'eval_builtin_error');
    t.equal(err?.message, 'numbers.range_step: step must be a positive number above zero');
  }
  t.equal(thrown(() => call('numbers.range_step', 0, 10, 1.5))?.code, 'eval_type_error');
  t.same(call('numbers.range_step', 0, -4, 2), [0, -2, -4]);
});

t.test('yaml.is_valid / json.is_valid: a non-string is false; yaml.unmarshal raises the parse error', async (t) => {
  for (const v of [1, null, true, [], {}]) {
    t.equal(call('yaml.is_valid', v), false, `yaml.is_valid(${JSON.stringify(v)})`);
    t.equal(call('json.is_valid', v), false, `json.is_valid(${JSON.stringify(v)})`);
  }
  t.equal(call('yaml.is_valid', 'a: [1'), false);
  t.equal(call('yaml.is_valid', 'a: [1]'), true);
  t.same(call('yaml.unmarshal', 'a:\n  - 1\n  - b\n'), { a: [1, 'b'] });
  const seq = thrown(() => call('yaml.unmarshal', 'x: 1\ny: [a, b'));
  t.equal(seq?.code, 'eval_builtin_error');
  t.match(seq?.message, /^yaml: line 2: did not find expected ',' or '\]'/, 'go-yaml words for an open flow sequence');
  t.match(thrown(() => call('yaml.unmarshal', '{k: v'))?.message, /^yaml: line 1: did not find expected ',' or '\}'/);
  t.match(thrown(() => call('yaml.unmarshal', 'a: b: c'))?.message, /^yaml: line 1: \S/, 'other errors keep a line');
  t.equal(thrown(() => call('yaml.unmarshal', 3))?.code, 'eval_type_error');
});

t.test('through a compiled module: the code reaches RegoEvalError, and is undefined when not strict', async (t) => {
  const source = 'package e\n\nlsh := numbers.range_step(0, 3, input.n)\n\ny := yaml.unmarshal(input.y)\n';
  const { wasm, diagnostics } = compileRego({ files: [{ path: 'e.rego', source }], entrypoints: ['e/lsh', 'e/y'], regoVersion: 1, strictBuiltinErrors: true });
  t.same(diagnostics, []);
  if (!wasm) return;
  const strict = await loadRegoPolicy(wasm, {}, { strictBuiltinErrors: true });
  t.same(strict.evaluate({ n: 2 }, 'e/lsh')[0]?.result, [0, 2]);
  const err = (() => {
    try {
      strict.evaluate({ n: 1.5 }, 'e/lsh');
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  t.ok(err instanceof RegoEvalError);
  t.equal((err as RegoEvalError).code, 'eval_type_error');
  t.throws(() => strict.evaluate({ y: '[1' }, 'e/y'), { code: 'eval_builtin_error', message: /^yaml\.unmarshal: yaml: line 1: did not find expected/ });
  const lenient = await loadRegoPolicy(wasm, {});
  t.equal(lenient.evaluate({ n: 1.5 }, 'e/lsh')[0]?.result, undefined, 'undefined, no throw, without strict errors');
});
