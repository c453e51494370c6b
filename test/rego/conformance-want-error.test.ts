// The runner compares want_error as OPA's does in effect: a leading `file:line: ` (OPA names the case's
// modules test-N.rego) is not part of what our errors can carry, so it is stripped before the substring match.
import t from 'tap';
import type { ConformanceCase } from '../../src/rego/conformance/cases.js';
import { runCase, withoutLocation } from '../../src/rego/conformance/run-case.js';

t.test('withoutLocation strips only a leading rego file position', async (t) => {
  t.equal(withoutLocation('test-0.rego:4: eval_type_error: x: operand 1 must be string'), 'eval_type_error: x: operand 1 must be string');
  t.equal(withoutLocation('dir/test-12.rego:30:7: rego_type_error: y'), 'rego_type_error: y');
  t.equal(withoutLocation('eval_builtin_error: yaml: line 1: did not find'), 'eval_builtin_error: yaml: line 1: did not find', 'no position: unchanged');
  t.equal(withoutLocation('x: see test-0.rego:4: here'), 'x: see test-0.rego:4: here', 'only at the start');
});

const base: ConformanceCase = {
  note: 'runner/want_error',
  file: 'runner.yaml',
  category: 'runner',
  query: 'data.test.p = x',
  modules: ['package test\n\np if {\n\tbits.lsh(1, input.n) > 0\n}\n'],
  input: { n: -1 },
  hasInput: true,
  sortBindings: false,
  strictError: true,
};

t.test('a want_error with a location prefix matches the error by code and message', async (t) => {
  const want = 'test-0.rego:4: eval_type_error: bits.lsh: operand 2 must be an unsigned integer number but got a negative integer';
  t.equal((await runCase({ ...base, wantError: want })).status, 'pass');
  const wrong = await runCase({ ...base, wantError: 'test-0.rego:4: eval_type_error: bits.lsh: operand 1' });
  t.equal(wrong.status, 'fail', 'the message after the prefix must still match');
});
