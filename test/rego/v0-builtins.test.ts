// Rego v0's deprecated builtins (cast_*, set_diff, re_match, net.cidr_overlap), compiled into the runtime
// for v0 modules, and Go's regexp parse errors as regex.match / re_match report them in strict mode.
import t, { type Test } from 'tap';
import type { ConformanceCase } from '../../src/rego/conformance/cases.js';
import { runCase } from '../../src/rego/conformance/run-case.js';

function v0Case(body: string, want: Partial<ConformanceCase>, regoVersion: 0 | 1 = 0): ConformanceCase {
  return {
    note: 'v0-builtins',
    file: 'v0-builtins.yaml',
    category: 'v0-builtins',
    query: 'data.test.p = x',
    modules: [`package test\n\n${body}\n`],
    hasInput: false,
    sortBindings: false,
    strictError: want.wantError !== undefined || want.wantErrorCode !== undefined,
    regoVersion,
    ...want,
  };
}

async function passes(t: Test, body: string, want: Partial<ConformanceCase>, regoVersion: 0 | 1 = 0): Promise<void> {
  const o = await runCase(v0Case(body, want, regoVersion));
  t.equal(o.status, 'pass', `${body}${o.reason ? `: ${o.reason}` : ''}`);
}

t.test('casts: identity on their kind, arrays and sets into each other, else a type error', async (t) => {
  await passes(t, 'p = [cast_array({3, 1}), cast_array([2]), cast_set([2, 1, 2]), cast_string("s"), cast_boolean(false), cast_null(null), cast_object({"a": 1})]', {
    wantResult: [{ x: [[1, 3], [2], [1, 2], 's', false, null, { a: 1 }] }],
  });
  await passes(t, 'p = cast_array("x")', { wantErrorCode: 'eval_type_error', wantError: 'cast_array: operand 1 must be one of {array, set} but got string' });
  await passes(t, 'p = cast_object([])', { wantErrorCode: 'eval_type_error', wantError: 'cast_object: operand 1 must be object but got array' });
  await passes(t, 'p { cast_string(1) }', { wantResult: [] }, 0);
});

t.test('set_diff, re_match and net.cidr_overlap: the v1 builtins under their old names', async (t) => {
  await passes(t, 'p = [set_diff({1, 2, 3}, {2}), re_match("^a+$", "aa"), net.cidr_overlap("10.0.0.0/8", "10.1.2.3")]', { wantResult: [{ x: [[1, 3], true, true] }] });
  await passes(t, 'p = set_diff({1}, [1])', { wantErrorCode: 'eval_type_error', wantError: 'set_diff: operand 2 must be set but got array' });
  await passes(t, 'p = net.cidr_overlap("x", "10.1.2.3")', { wantErrorCode: 'eval_builtin_error', wantError: 'net.cidr_overlap: invalid CIDR address: x' });
  await passes(t, 'p = re_match("(", "x")', { wantErrorCode: 'eval_builtin_error', wantError: 're_match: error parsing regexp: missing closing ): `(`' });
});

t.test('regex.match reports why a pattern does not parse, as Go does', async (t) => {
  const errors: [string, string][] = [
    ['][', 'missing closing ]: `[`'],
    ['a[bc', 'missing closing ]: `[bc`'],
    ['a(b', 'missing closing ): `a(b`'],
    ['a)b', 'unexpected ): `a)b`'],
    ['*a', 'missing argument to repetition operator: `*`'],
    ['a**', 'invalid nested repetition operator: `**`'],
    ['a\\\\qb', 'invalid escape sequence: `\\q`'],
    ['[z-a]', 'invalid character class range: `z-a`'],
    ['a{1001}', 'invalid repeat count: `{1001}`'],
    ['(?=a)', 'invalid or unsupported Perl syntax: `(?=`'],
    ['(?P<a-b>x)', 'invalid named capture: `(?P<a-b>`'],
    ['a\\\\', 'trailing backslash at end of expression: ``'],
  ];
  for (const [pattern, why] of errors) {
    await passes(t, `p if regex.match("${pattern}", "x")`, { wantErrorCode: 'eval_builtin_error', wantError: `regex.match: error parsing regexp: ${why}` }, 1);
  }
  await passes(t, 'p if regex.match("][", "x")', { wantResult: [] }, 1);
});

t.test('the other regex builtins report a pattern that does not parse too (strict mode)', async (t) => {
  const why = 'error parsing regexp: missing closing ): `(`';
  await passes(t, 'p := regex.split("(", "x")', { wantErrorCode: 'eval_builtin_error', wantError: `regex.split: ${why}` }, 1);
  await passes(t, 'p := regex.find_n("(", "x", -1)', { wantErrorCode: 'eval_builtin_error', wantError: `regex.find_n: ${why}` }, 1);
  await passes(t, 'p := regex.find_all_string_submatch_n("(", "x", -1)', { wantErrorCode: 'eval_builtin_error', wantError: `regex.find_all_string_submatch_n: ${why}` }, 1);
  await passes(t, 'p := regex.replace("x", "(", "y")', { wantErrorCode: 'eval_builtin_error', wantError: `regex.replace: ${why}` }, 1);
  await passes(t, 'p := regex.split("(", "x")', { wantResult: [] }, 1);
});

t.test('a v1 module (or one importing rego.v1) may not call a deprecated builtin', async (t) => {
  const refused = { wantErrorCode: 'rego_type_error', wantError: 'deprecated built-in function calls in expression: cast_array' };
  await passes(t, 'p := cast_array([1])', refused, 1);
  await passes(t, 'import rego.v1\n\np := cast_array([1])', refused, 0);
  await passes(t, 'p := any([true])', { wantErrorCode: 'rego_type_error', wantError: 'deprecated built-in function calls in expression: any' }, 1);
  await passes(t, 'all(xs) := count(xs) > 0\n\np := all([false])', { wantResult: [{ x: true }] }, 1);
});
