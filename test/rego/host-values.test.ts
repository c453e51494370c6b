// Host builtins over Rego values (sets, non-string keys): the Rego value text round trip, object.subset,
// json.patch and net.cidr_contains_matches; plus the JSON-schema, template and uuid host builtins.
import t from 'tap';
import { createHostBuiltins } from '../../src/rego/host-builtins.js';
import { RegoObject, RegoSet, parseRegoValue, writeRegoValue, type RValue } from '../../src/rego/lib/rego-value.js';

const { builtins } = createHostBuiltins();
const call = (name: string, ...args: unknown[]): unknown => (builtins[name] as (...a: unknown[]) => unknown)(...args);
const v = (text: string): RValue => parseRegoValue(text);

t.test('Rego value text round trip', async (t) => {
  for (const text of ['null', 'true', '-1.5', '"a\\"b"', '[1,"x",[]]', 'set()', '{1,2,{"a"}}', '{}', '{2:[3],"a":1}', '{[1]:set()}']) {
    t.equal(writeRegoValue(parseRegoValue(text)), text, text);
  }
  t.ok(v('{3,1,1}') instanceof RegoSet, 'a set');
  t.same((v('{3,1,1}') as RegoSet).items, [1, 3], 'sorted, deduplicated');
  t.ok(v('{1:2}') instanceof RegoObject, 'an object with a number key');
});

t.test('object.subset', async (t) => {
  t.equal(call('object.subset', v('{"a":1,"b":{"c":{1,2},"d":[1,2,3]}}'), v('{"b":{"c":{2},"d":[2,3]}}')), true);
  t.equal(call('object.subset', v('[1,2,3,4]'), v('[2,4]')), false, 'arrays: a contiguous run');
  t.equal(call('object.subset', v('[1,2,3,4]'), v('{4,2}')), true, 'a set within an array');
  t.throws(() => call('object.subset', v('{4,2}'), v('[1]')), 'set and array is an operand error');
});

t.test('json.patch', async (t) => {
  t.equal(writeRegoValue(call('json.patch', v('{"foo":{"a","b"}}'), v('[{"op":"add","path":"/foo/c","value":"c"}]')) as RValue), '{"foo":{"a","b","c"}}');
  t.equal(writeRegoValue(call('json.patch', v('{"a":[1,2]}'), v('[{"op":"move","from":"/a/0","path":"/a/-"}]')) as RValue), '{"a":[2,1]}');
  t.throws(() => call('json.patch', v('{"a":1}'), v('[{"op":"test","path":"/a","value":"1"}]')), 'a failed test');
  t.throws(() => call('json.patch', v('{"foo":{"a"}}'), v('[{"op":"add","path":"foo/b","value":"c"}]')), 'set key and value differ');
});

t.test('net.cidr_contains_matches', async (t) => {
  t.equal(writeRegoValue(call('net.cidr_contains_matches', v('{"x":"10.0.0.0/8"}'), v('{"10.1.2.3","11.0.0.1"}')) as RValue), '{["x","10.1.2.3"]}');
  t.throws(() => call('net.cidr_contains_matches', v('["10.0.0.0/8"]'), v('[[]]')), /element must be string or non-empty array/);
});

t.test('json schema, templates and uuid.parse', async (t) => {
  t.same(call('json.verify_schema', '{"type": "nope"}'), [false, 'jsonschema: has a primitive type that is NOT VALID -- given: /nope/ Expected valid values are:[array boolean integer number null object string]']);
  t.same(call('json.match_schema', { n: 'x' }, { required: ['n', 'm'], properties: { n: { type: 'integer' } } }), [
    false,
    [
      { error: '(root): m is required', desc: 'm is required', field: '(root)', type: 'required' },
      { error: 'n: Invalid type. Expected: integer, given: string', desc: 'Invalid type. Expected: integer, given: string', field: 'n', type: 'invalid_type' },
    ],
  ]);
  t.equal(call('strings.render_template', '{{range $k, $v := .m}}{{$k}}={{$v}};{{end}}{{if .t}}yes{{else}}no{{end}}', { m: { b: 2, a: 1 }, t: false }), 'a=1;b=2;no');
  t.throws(() => call('strings.render_template', '{{.missing}}', {}), /map has no entry for key/);
  t.same(call('uuid.parse', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'), {
    version: 1,
    variant: 'RFC4122',
    time: 886630433151182400n,
    clocksequence: 180,
    nodeid: '00-c0-4f-d4-30-c8',
    macvariables: 'global:unicast',
  });
  t.equal(call('uuid.parse', 'not-a-uuid'), undefined);
});
