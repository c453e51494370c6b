// bits.* are compiled into the runtime, as OPA's Wasm has them (its capabilities list them as native):
// two's-complement results as Go's big.Int gives them; operand errors are eval_type_error in OPA's words.
import t from 'tap';
import { compileRego, loadRegoPolicy, RegoEvalError } from '../../src/rego/index.js';
import { loadRuntime } from './builtins-harness.js';

t.test('results', async (t) => {
  const rt = await loadRuntime();
  const cases: [string, string[], string | undefined][] = [
    ['bits_or', ['5', '2'], '7'],
    ['bits_and', ['6', '3'], '2'],
    ['bits_xor', ['6', '3'], '5'],
    ['bits_and', ['-1', '255'], '255'],
    ['bits_negate', ['5'], '-6'],
    ['bits_negate', ['-1'], '0'],
    ['bits_lsh', ['1', '3'], '8'],
    ['bits_lsh', ['2.0', '1'], '4'],
    ['bits_rsh', ['-8', '1'], '-4'],
    ['bits_rsh', ['-1', '200'], '-1'],
    ['bits_rsh', ['5', '100'], '0'],
    ['bits_lsh', ['1', '-1'], undefined],
    ['bits_or', ['1.5', '1'], undefined],
    ['bits_or', ['"1"', '1'], undefined],
  ];
  for (const [name, args, want] of cases) t.equal(rt.call(name, ...args), want, `${name}(${args.join(', ')})`);
  t.equal(rt.call('bits_lsh', '3', '62'), '13835058055282164000', 'past i64: a float, as arithmetic overflows');
});

t.test('not imported from the host; strict errors as OPA reports them', async (t) => {
  const source = 'package b\n\nr := bits.lsh(input.x, input.n)\n\nn := bits.negate(input.x)\n';
  const c = compileRego({ files: [{ path: 'b.rego', source }], entrypoints: ['b/r', 'b/n'], strictBuiltinErrors: true });
  t.same(c.diagnostics, []);
  if (!c.wasm) return;
  const rt = await loadRuntime();
  for (const op of ['or', 'and', 'xor', 'negate', 'lsh', 'rsh']) t.ok(rt.has(`bits_${op}`), `the runtime exports b_bits_${op}: linked, not a host import`);
  const policy = await loadRegoPolicy(c.wasm, {}, { strictBuiltinErrors: true });
  t.same(policy.importedBuiltins, [], 'no host import');
  t.same(policy.evaluate({ x: 3, n: 2 }, 'b/r')[0]?.result, 12);
  const failures: [unknown, string, string][] = [
    [{ x: 1.5, n: 1 }, 'b/r', 'bits.lsh: operand 1 must be integer number but got floating-point number'],
    [{ x: 7, n: -1 }, 'b/r', 'bits.lsh: operand 2 must be an unsigned integer number but got a negative integer'],
    [{ x: 'a', n: 1 }, 'b/r', 'bits.lsh: operand 1 must be number but got string'],
    [{ x: 0.5 }, 'b/n', 'bits.negate: operand 1 must be integer number but got floating-point number'],
  ];
  for (const [input, entrypoint, message] of failures) {
    let err: unknown;
    try {
      policy.evaluate(input, entrypoint);
    } catch (e) {
      err = e;
    }
    t.ok(err instanceof RegoEvalError, message);
    t.equal((err as RegoEvalError).code, 'eval_type_error');
    t.equal((err as RegoEvalError).message, message);
  }
  const lenient = await loadRegoPolicy(compileRego({ files: [{ path: 'b.rego', source }], entrypoints: ['b/r'] }).wasm!, {});
  t.equal(lenient.evaluate({ x: 7, n: -1 }, 'b/r')[0]?.result, undefined, 'undefined without strict errors');
});
