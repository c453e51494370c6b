// The Rego runtime (build/rego-runtime.wasm) on its own: JSON and value syntax round trips, OPA's
// ordering, and the core builtins, called directly through the module's exports.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { runtimeWasmPath } from '../../src/rego/wasm/index.js';

type Fn = (...a: number[]) => number;

async function runtime() {
  const memory = new WebAssembly.Memory({ initial: 5 });
  const text = (addr: number): string => {
    const b = new Uint8Array(memory.buffer);
    let e = addr;
    while (b[e] !== 0) e++;
    return new TextDecoder().decode(b.subarray(addr, e));
  };
  const noop = () => 0;
  const { instance } = await WebAssembly.instantiate(readFileSync(runtimeWasmPath()), {
    env: {
      memory,
      opa_abort: (a: number) => {
        throw new Error(text(a));
      },
      opa_println: noop, opa_builtin0: noop, opa_builtin1: noop, opa_builtin2: noop, opa_builtin3: noop, opa_builtin4: noop,
    },
  });
  const x = instance.exports as Record<string, Fn>;
  const strict = instance.exports.strict_builtin_errors as WebAssembly.Global;
  const put = (s: string): [number, number] => {
    const b = new TextEncoder().encode(s);
    const p = x.opa_malloc!(b.length);
    new Uint8Array(memory.buffer).set(b, p);
    return [p, b.length];
  };
  const json = (s: string): number => x.opa_json_parse!(...put(s));
  const val = (s: string): number => x.opa_value_parse!(...put(s));
  const dump = (v: number): string => text(x.opa_json_dump!(v));
  const vdump = (v: number): string => text(x.opa_value_dump!(v));
  const call = (name: string, ...args: string[]): string | undefined => {
    const f = x[`b_${name.replace(/\./g, '_')}`];
    if (!f) throw new Error(`no builtin ${name}`);
    const r = f(...args.map(val));
    return r === 0 ? undefined : vdump(r);
  };
  return { x, json, val, dump, vdump, call, strict, memory };
}

t.test('JSON parse/dump round trips', async (t) => {
  const { json, dump } = await runtime();
  const cases: [string, string][] = [
    ['{"b":1,"a":2}', '{"a":2,"b":1}'],
    ['{"a":1,"a":2}', '{"a":2}'],
    ['[1, -0, 1.0, 1e3, 2.50, 1e-7, 12345678901234567890, -9223372036854775808]', '[1,0,1,1000,2.50,1e-7,12345678901234567890,-9223372036854775808]'],
    ['"\\u00e9\\ud83d\\ude00\\n\\"\\\\\\/\\u0001"', '"é😀\\n\\"\\\\/\\u0001"'],
    ['"é😀"', '"é😀"'],
    ['"\\ud800x"', '"\uFFFDx"'],
    ['  {"nested": {"z": [true, false, null], "y": {}}, "e": []} ', '{"e":[],"nested":{"y":{},"z":[true,false,null]}}'],
  ];
  for (const [src, want] of cases) t.equal(dump(json(src)), want, src);
  for (const bad of ['[1,2', '{"a"}', '{1:2}', 'tru', '01', '1.', '"\u0001"', '[1,]', '', '"abc', '{"a":1,}', 'nul', '-']) {
    t.equal(json(bad), 0, `rejects ${JSON.stringify(bad)}`);
  }
  const big = JSON.stringify({ list: Array.from({ length: 2000 }, (_, i) => ({ id: 2000 - i, name: `n${i}` })) });
  t.same(JSON.parse(dump(json(big))).list.length, 2000);
  const keys = JSON.stringify(Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${(i * 7919) % 500}`, i])));
  const parsed = JSON.parse(dump(json(keys)));
  t.same(Object.keys(parsed), Object.keys(parsed).sort());
  t.equal(Object.keys(parsed).length, 500);
});

t.test('value syntax: sets and non-string keys', async (t) => {
  const { val, dump, vdump } = await runtime();
  t.equal(vdump(val('{3, 1, "a", [1], 1}')), '{1,3,"a",[1]}');
  t.equal(dump(val('{3, 1, "a", [1], 1}')), '[1,3,"a",[1]]');
  t.equal(vdump(val('set()')), 'set()');
  t.equal(dump(val('{1: "x", "k": {2}, [1, "a"]: 0}')), '{"1":"x","k":[2],"[1,\\"a\\"]":0}');
  t.equal(vdump(val('{1: "x", "k": {2}}')), '{1:"x","k":{2}}');
});

t.test('OPA ordering across types', async (t) => {
  const { x, val } = await runtime();
  const order = ['null', 'false', 'true', '-1.5', '0', '1', '2.5', '""', '"A"', '"a"', '"é"', '[]', '[1]', '[1,2]', '[2]', '{}', '{"a":1}', '{"a":2}', '{"b":0}', 'set()', '{1}', '{1,2}', '{2}'];
  for (let i = 0; i + 1 < order.length; i++) {
    t.equal(x.opa_value_compare!(val(order[i]!), val(order[i + 1]!)), -1, `${order[i]} < ${order[i + 1]}`);
    t.equal(x.opa_value_compare!(val(order[i + 1]!), val(order[i]!)), 1);
  }
  t.equal(x.opa_value_compare!(val('1'), val('1.0')), 0);
  t.equal(x.opa_value_equal!(val('{"a":[1,{2}]}'), val('{"a":[1,{2}]}')), 1);
});

t.test('arithmetic builtins', async (t) => {
  const { call } = await runtime();
  t.equal(call('plus', '1', '2'), '3');
  // i64 overflow falls back to f64 (OPA uses big numbers: same double, other digits)
  t.equal(Number(call('plus', '9223372036854775807', '1')), 9223372036854775808);
  t.equal(Number(call('plus', '0.1', '0.2')), 0.1 + 0.2);
  t.equal(call('div', '1', '3'), '0.3333333333333333');
  t.equal(call('minus', '5', '7'), '-2');
  t.equal(call('minus', '{1,2,3}', '{2}'), '{1,3}');
  t.equal(call('mul', '3000000000', '3000000000'), '9000000000000000000');
  t.equal(call('mul', '1.5', '2'), '3');
  t.equal(call('div', '7', '2'), '3.5');
  t.equal(call('div', '8', '2'), '4');
  t.equal(call('rem', '7', '-3'), '1');
  t.equal(call('rem', '-7', '3'), '-1');
  t.equal(call('rem', '7.5', '2'), undefined);
  t.throws(() => call('div', '1', '0'), /eval_builtin_error: div: divide by zero/);
  t.throws(() => call('rem', '1', '0'), /eval_builtin_error: rem: modulo by zero/);
  t.equal(call('plus', '"a"', '1'), undefined);
  t.equal(call('abs', '-4'), '4');
  t.equal(call('round', '2.5'), '3');
  t.equal(call('round', '-2.5'), '-3');
  t.equal(call('ceil', '1.2'), '2');
  t.equal(call('floor', '-1.2'), '-2');
  t.equal(call('numbers.range', '1', '4'), '[1,2,3,4]');
  t.equal(call('numbers.range', '2', '-1'), '[2,1,0,-1]');
});

t.test('comparison, aggregates and types', async (t) => {
  const { call } = await runtime();
  t.equal(call('equal', '1', '1.0'), 'true');
  t.equal(call('neq', '"a"', '"a"'), 'false');
  t.equal(call('lt', '"a"', '1'), 'false');
  t.equal(call('gte', '[1,2]', '[1]'), 'true');
  t.equal(call('count', '"héllo😀"'), '6');
  t.equal(call('count', '{1,2}'), '2');
  t.equal(call('count', '5'), undefined);
  t.equal(call('sum', '[1, 2.5, 3]'), '6.5');
  t.equal(call('product', '{2, 3}'), '6');
  t.equal(call('sum', '[1, "a"]'), undefined);
  t.equal(call('max', '[3, "a", 1]'), '"a"');
  t.equal(call('min', '{3, 2}'), '2');
  t.equal(call('max', '[]'), undefined);
  t.equal(call('sort', '[3, "a", null, 1]'), '[null,1,3,"a"]');
  t.equal(call('sort', '{3, 1}'), '[1,3]');
  t.equal(call('type_name', '{1}'), '"set"');
  t.equal(call('type_name', '{}'), '"object"');
  t.equal(call('is_number', '"1"'), 'false');
  t.equal(call('is_set', 'set()'), 'true');
  t.equal(call('is_null', 'null'), 'true');
});

t.test('sets, membership, arrays', async (t) => {
  const { call } = await runtime();
  t.equal(call('and', '{1,2,3}', '{2,3,4}'), '{2,3}');
  t.equal(call('or', '{1}', '{3,2}'), '{1,2,3}');
  t.equal(call('intersection', '{{1,2},{2,3}}'), '{2}');
  t.equal(call('union', '{{1,2},{2,3}}'), '{1,2,3}');
  t.equal(call('internal.member_2', '2', '[1,2]'), 'true');
  t.equal(call('internal.member_2', '"v"', '{"k":"v"}'), 'true');
  t.equal(call('internal.member_2', '"k"', '{"k":"v"}'), 'false');
  t.equal(call('internal.member_3', '"k"', '"v"', '{"k":"v"}'), 'true');
  t.equal(call('internal.member_3', '1', '"b"', '["a","b"]'), 'true');
  t.equal(call('array.concat', '[1]', '[2,3]'), '[1,2,3]');
  t.equal(call('array.slice', '[1,2,3,4]', '1', '3'), '[2,3]');
  t.equal(call('array.slice', '[1,2,3,4]', '-5', '10'), '[1,2,3,4]');
  t.equal(call('array.slice', '[1,2,3,4]', '3', '1'), '[]');
  t.equal(call('array.reverse', '[1,2,3]'), '[3,2,1]');
});

t.test('object and json builtins, walk', async (t) => {
  const { call } = await runtime();
  t.equal(call('object.get', '{"a":{"b":1}}', '"a"', '0'), '{"b":1}');
  t.equal(call('object.get', '{"a":{"b":1}}', '["a","b"]', '0'), '1');
  t.equal(call('object.get', '{"a":{"b":1}}', '["a","c"]', '0'), '0');
  t.equal(call('object.keys', '{"b":1,"a":2}'), '{"a","b"}');
  t.equal(call('object.union', '{"a":{"x":1},"b":1}', '{"a":{"y":2},"b":2}'), '{"a":{"x":1,"y":2},"b":2}');
  t.equal(call('object.union_n', '[{"a":1},{"b":2},{"a":3}]'), '{"a":3,"b":2}');
  t.equal(call('object.remove', '{"a":1,"b":2,"c":3}', '["a","c"]'), '{"b":2}');
  t.equal(call('object.remove', '{"a":1,"b":2}', '{"b":0}'), '{"a":1}');
  t.equal(call('object.filter', '{"a":1,"b":2,"c":3}', '{"a","c"}'), '{"a":1,"c":3}');
  t.equal(call('json.filter', '{"a":{"b":1,"c":2},"d":3}', '["a/b","d"]'), '{"a":{"b":1},"d":3}');
  t.equal(call('json.filter', '{"a":[{"x":1},{"x":2}]}', '["a/1"]'), '{"a":[{"x":2}]}');
  t.equal(call('json.remove', '{"a":{"b":1,"c":2},"d":3}', '["a/b",["d"]]'), '{"a":{"c":2}}');
  t.equal(call('walk', '{"a":[1]}'), '[[[],{"a":[1]}],[["a"],[1]],[["a",0],1]]');
});

t.test('paths, with, merge, iteration', async (t) => {
  const { x, val, vdump } = await runtime();
  const d = val('{"a":{"b":1}}');
  t.equal(x.opa_value_add_path!(d, val('["a","c","d"]'), val('2')), 0);
  t.equal(vdump(d), '{"a":{"b":1,"c":{"d":2}}}');
  t.equal(x.opa_value_remove_path!(d, val('["a","b"]')), 0);
  t.equal(vdump(d), '{"a":{"c":{"d":2}}}');
  const base = val('{"x":{"y":1,"z":2}}');
  const w = x.opa_value_with!(base, val('["x","y"]'), val('5'));
  t.equal(vdump(w), '{"x":{"y":5,"z":2}}');
  t.equal(vdump(base), '{"x":{"y":1,"z":2}}');
  t.equal(vdump(x.opa_value_with!(0, val('["p"]'), val('1'))), '{"p":1}');
  t.equal(vdump(x.opa_value_merge!(val('{"a":{"x":1},"b":1}'), val('{"a":{"y":2},"b":2,"c":3}'))), '{"a":{"x":1,"y":2},"b":1,"c":3}');
  const o = val('{"b":1,"a":2,"c":3}');
  const keys: string[] = [];
  for (let k = x.opa_value_iter!(o, 0); k !== 0; k = x.opa_value_iter!(o, k)) keys.push(vdump(k));
  t.same(keys, ['"a"', '"b"', '"c"']);
  const arr = val('[7,8]');
  const idx: string[] = [];
  for (let k = x.opa_value_iter!(arr, 0); k !== 0; k = x.opa_value_iter!(arr, k)) idx.push(vdump(k));
  t.same(idx, ['0', '1']);
  t.equal(x.opa_value_length!(val('"héllo"')), 5);
  t.equal(x.opa_value_length!(val('1')), -1);
});

t.test('builtin type errors: undefined, or eval_type_error in strict mode', async (t) => {
  const { call, strict } = await runtime();
  t.equal(call('count', 'null'), undefined);
  t.equal(call('rem', '7.5', '2'), undefined);
  strict.value = 1;
  t.throws(() => call('count', 'null'), /^eval_type_error: count: operand 1 must be one of \{array, object, set, string\} but got null$/);
  t.throws(() => call('minus', '{1}', '1'), /minus: operand 2 must be set but got number/);
  t.throws(() => call('minus', '1', '{1}'), /minus: operand 2 must be number but got set/);
  t.throws(() => call('array.concat', '[]', '{}'), /array.concat: operand 2 must be array but got object/);
  t.throws(() => call('object.get', '"s"', '"k"', '1'), /object.get: operand 1 must be object but got string/);
  t.throws(() => call('rem', '7.5', '2'), /eval_builtin_error: rem: modulo on floating-point number/);
});

t.test('numbers beyond double precision compare by their digits', async (t) => {
  const { call } = await runtime();
  t.equal(call('equal', '28857836529306024611913', '28857836529306024611912'), 'false');
  t.equal(call('lt', '28857836529306024611912', '28857836529306024611913'), 'true');
  t.equal(call('equal', '28857836529306024611913', '28857836529306024611913.0'), 'true');
  t.equal(call('equal', '1e2', '100'), 'true');
  t.equal(call('gt', '-28857836529306024611912', '-28857836529306024611913'), 'true');
  t.equal(call('equal', '9223372036854775807', '9223372036854775807.0000000001'), 'false');
});

t.test('count of strings follows Go: each invalid UTF-8 byte is one rune', async (t) => {
  const { x, call, memory, vdump } = await runtime();
  t.equal(call('count', '"aé😀"'), '3');
  // raw bytes: ff, c3 (truncated sequence), e2 82 ac (€), ed a0 80 (a surrogate: 3 invalid bytes)
  const bytes = [0xff, 0xc3, 0xe2, 0x82, 0xac, 0xed, 0xa0, 0x80];
  const p = x.opa_malloc!(bytes.length);
  new Uint8Array(memory.buffer).set(bytes, p);
  t.equal(vdump(x.b_count!(x.opa_string!(p, bytes.length))), '6');
});
