// The Wasm back end: hand-built IR policies compiled by generateWasm, loaded unmodified in the OPA SDK
// (@open-policy-agent/opa-wasm), evaluated through both the ABI 1.2 `opa_eval` path and the `eval` path.
import t from 'tap';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { generateWasm } from '../../src/rego/wasm/index.js';
import type { Block, Operand, Policy, Stmt } from '../../src/rego/plan/ir.js';

const L = (local: number): Operand => ({ kind: 'local', local });

/** A tiny IR builder: strings are interned into the policy's static table. */
function policyOf(build: (s: (x: string) => Operand) => Omit<Policy, 'static'>, builtins: string[] = []): Policy {
  const strings: string[] = [];
  const s = (x: string): Operand => {
    let i = strings.indexOf(x);
    if (i < 0) i = strings.push(x) - 1;
    return { kind: 'string', index: i };
  };
  const body = build(s);
  return { static: { strings, builtins: builtins.map((name) => ({ name, arity: 1 })), files: [] }, ...body };
}

/** Plan body for `data.<path>` entrypoints: call func, wrap as {"result": v}. */
function entry(s: (x: string) => Operand, func: string): Block {
  return {
    stmts: [
      { type: 'Call', func, args: [L(0), L(1)], result: 2 },
      { type: 'MakeObject', target: 3 },
      { type: 'ObjectInsert', key: s('result'), value: L(2), object: 3 },
      { type: 'ResultSetAdd', value: 3 },
    ],
  };
}

/** The SDK's types want an ArrayBuffer-backed view. */
function toBuffer(b: Uint8Array): ArrayBuffer {
  return b.slice().buffer as ArrayBuffer;
}

/** The SDK throws opa_abort messages as plain strings. */
function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return String(e);
  }
  return '(no error)';
}

/** Evaluates with both ABI paths and checks they agree. */
async function evalBoth(wasm: Uint8Array, input: unknown, data?: object, entrypoint: number | string = 0, custom = {}) {
  const fast = await loadPolicy(toBuffer(wasm), undefined, custom);
  const slow = await loadPolicy(toBuffer(wasm), undefined, custom);
  slow.minorVersion = 1;
  if (data !== undefined) {
    fast.setData(data);
    slow.setData(data);
  }
  const a = fast.evaluate(input, entrypoint);
  const b = slow.evaluate(input, entrypoint);
  return { a, b };
}

const allow = policyOf((s) => ({
  plans: [{ name: 'example/allow', blocks: [entry(s, 'g0.data.example.allow')] }],
  funcs: [
    {
      name: 'g0.data.example.allow',
      params: [0, 1],
      return: 2,
      path: ['g0', 'example', 'allow'],
      blocks: [
        {
          stmts: [
            { type: 'Dot', source: L(0), key: s('x'), target: 3 },
            { type: 'MakeNumberInt', value: 1, target: 4 },
            { type: 'Equal', a: L(3), b: L(4) },
            { type: 'AssignVarOnce', source: { kind: 'bool', value: true }, target: 2 },
          ],
        },
        { stmts: [{ type: 'ReturnLocal', source: 2 }] },
      ],
    },
  ],
}));

t.test('allow if input.x == 1, through opa_eval and eval', async (t) => {
  const wasm = generateWasm(allow);
  const mod = new WebAssembly.Module(toBuffer(wasm));
  const imports = WebAssembly.Module.imports(mod).map((i) => `${i.module}.${i.name}`);
  const allowed = new Set(['env.memory', 'env.opa_abort', 'env.opa_println', ...[0, 1, 2, 3, 4].map((n) => `env.opa_builtin${n}`)]);
  t.ok(imports.every((i) => allowed.has(i)), `imports ${imports.join(', ')}`);
  t.ok(imports.includes('env.memory'));
  const exports = new Set(WebAssembly.Module.exports(mod).map((e) => e.name));
  for (const e of ['opa_eval', 'eval', 'opa_malloc', 'opa_heap_ptr_get', 'opa_heap_ptr_set', 'opa_json_parse', 'opa_json_dump',
    'opa_eval_ctx_new', 'opa_eval_ctx_set_input', 'opa_eval_ctx_set_data', 'opa_eval_ctx_set_entrypoint', 'opa_eval_ctx_get_result',
    'builtins', 'entrypoints', 'opa_wasm_abi_version', 'opa_wasm_abi_minor_version', 'opa_value_dump', 'opa_value_parse']) {
    t.ok(exports.has(e), `exports ${e}`);
  }
  const p = await loadPolicy(toBuffer(wasm));
  t.equal(p.minorVersion, 3);
  t.same(p.entrypoints, { 'example/allow': 0 });
  t.same((await evalBoth(wasm, { x: 1 })).a, [{ result: true }]);
  t.same((await evalBoth(wasm, { x: 1 })).b, [{ result: true }]);
  t.same((await evalBoth(wasm, { x: 2 })).a, []);
  t.same((await evalBoth(wasm, { x: 2 })).b, []);
  t.same((await evalBoth(wasm, { x: 1.0 }, undefined, 'example/allow')).a, [{ result: true }]);
  t.same((await evalBoth(wasm, undefined)).a, []);
  t.equal(thrown(() => p.evaluate({ x: 1 }, 7)), 'eval_internal_error: illegal entrypoint id');
  // repeated evaluations reuse the heap
  for (let i = 0; i < 1000; i++) p.evaluate({ x: i % 2, pad: 'y'.repeat(100) });
  t.same(p.evaluate({ x: 1 }), [{ result: true }]);
});

// ids contains item.id if some item in input.items; item.ok == true
const ids = policyOf((s) => ({
  plans: [{ name: 'ids', blocks: [entry(s, 'g0.data.ids')] }],
  funcs: [
    {
      name: 'g0.data.ids',
      params: [0, 1],
      return: 2,
      path: ['g0', 'ids'],
      blocks: [
        {
          stmts: [
            { type: 'MakeSet', target: 2 },
            {
              type: 'Block',
              blocks: [
                {
                  stmts: [
                    { type: 'Dot', source: L(0), key: s('items'), target: 3 },
                    {
                      type: 'Scan',
                      source: 3,
                      key: 4,
                      value: 5,
                      block: {
                        stmts: [
                          { type: 'Dot', source: L(5), key: s('ok'), target: 6 },
                          { type: 'Equal', a: L(6), b: { kind: 'bool', value: true } },
                          { type: 'Dot', source: L(5), key: s('id'), target: 7 },
                          { type: 'SetAdd', value: L(7), set: 2 },
                        ],
                      },
                    },
                  ],
                },
              ],
            },
          ],
        },
        { stmts: [{ type: 'ReturnLocal', source: 2 }] },
      ],
    },
  ],
}));

t.test('Scan over input.items builds a sorted set', async (t) => {
  const wasm = generateWasm(ids);
  const items = [
    { id: 'c', ok: true },
    { id: 'a', ok: true },
    { id: 'b', ok: false },
    { id: 3, ok: true },
    { id: { k: 1 }, ok: true },
    { nope: 1 },
  ];
  const { a, b } = await evalBoth(wasm, { items });
  t.same(a, [{ result: [3, 'a', 'c', { k: 1 }] }]);
  t.same(b, a);
  // scanning an object visits its values; a scalar gives the empty set
  t.same((await evalBoth(wasm, { items: { z: { id: 1, ok: true }, y: { id: 2, ok: true } } })).a, [{ result: [1, 2] }]);
  t.same((await evalBoth(wasm, { items: 7 })).a, [{ result: [] }]);
});

function conflictPolicy(): Policy {
  // x := input.a if true; x := input.b if true → conflict when a != b
  return policyOf((s) => ({
    plans: [{ name: 'x', blocks: [entry(s, 'g0.data.x')] }],
    funcs: [
      {
        name: 'g0.data.x',
        params: [0, 1],
        return: 2,
        path: ['g0', 'x'],
        blocks: [
          { stmts: [{ type: 'Dot', source: L(0), key: s('a'), target: 3 }, { type: 'AssignVarOnce', source: L(3), target: 2 }] },
          { stmts: [{ type: 'Dot', source: L(0), key: s('b'), target: 4 }, { type: 'AssignVarOnce', source: L(4), target: 2 }] },
          { stmts: [{ type: 'ReturnLocal', source: 2 }] },
        ],
      },
    ],
  }));
}

t.test('conflicting complete rule aborts with eval_conflict_error', async (t) => {
  const wasm = generateWasm(conflictPolicy());
  t.same((await evalBoth(wasm, { a: 1, b: 1 })).a, [{ result: 1 }]);
  const p = await loadPolicy(toBuffer(wasm));
  t.equal(thrown(() => p.evaluate({ a: 1, b: 2 })), 'eval_conflict_error: complete rules must not produce multiple outputs');
  p.minorVersion = 1;
  t.match(thrown(() => p.evaluate({ a: 1, b: 2 })), /eval_conflict_error/);
  // the instance stays usable after an abort
  t.same(p.evaluate({ a: 5 }), [{ result: 5 }]);
});

t.test('compiled-in builtins, host builtins, div by zero', async (t) => {
  const pol = policyOf(
    (s) => ({
      plans: [
        {
          name: 'calc',
          blocks: [
            {
              stmts: [
                { type: 'Dot', source: L(0), key: s('a'), target: 2 },
                { type: 'Dot', source: L(0), key: s('b'), target: 3 },
                { type: 'Call', func: 'div', args: [L(2), L(3)], result: 4 },
                { type: 'Call', func: 'custom.twice', args: [L(4)], result: 5 },
                { type: 'Call', func: 'object.get', args: [L(0), s('missing'), s('dflt')], result: 6 },
                { type: 'MakeArray', capacity: 2, target: 7 },
                { type: 'ArrayAppend', value: L(5), array: 7 },
                { type: 'ArrayAppend', value: L(6), array: 7 },
                { type: 'MakeObject', target: 8 },
                { type: 'ObjectInsert', key: s('result'), value: L(7), object: 8 },
                { type: 'ResultSetAdd', value: 8 },
              ],
            },
          ],
        },
      ],
      funcs: [],
    }),
    ['custom.twice'],
  );
  const wasm = generateWasm(pol);
  const custom = { 'custom.twice': (x: number) => x * 2 };
  const p = await loadPolicy(toBuffer(wasm), undefined, custom);
  t.same(p.evaluate({ a: 7, b: 2 }), [{ result: [7, 'dflt'] }]);
  t.same((await evalBoth(wasm, { a: 9, b: 3 }, undefined, 0, custom)).b, [{ result: [6, 'dflt'] }]);
  t.equal(thrown(() => p.evaluate({ a: 1, b: 0 })), 'eval_builtin_error: div: divide by zero');
});

t.test('Not, With, Break, CallDynamic, data', async (t) => {
  // deny if not input.admin; with data.limits.max as 3: r := data.limits.max; else-chain via Break.
  const pol = policyOf((s) => ({
    plans: [
      {
        name: 'main',
        blocks: [
          {
            stmts: [
              { type: 'MakeObject', target: 9 },
              {
                type: 'Block',
                blocks: [
                  {
                    stmts: [
                      { type: 'Not', block: { stmts: [{ type: 'Dot', source: L(0), key: s('admin'), target: 2 }, { type: 'Equal', a: L(2), b: { kind: 'bool', value: true } }] } },
                      { type: 'ObjectInsert', key: s('deny'), value: { kind: 'bool', value: true }, object: 9 },
                    ],
                  },
                ],
              },
              {
                type: 'With',
                local: 1,
                path: [s('limits').kind === 'string' ? (s('limits') as { index: number }).index : 0, (s('max') as { index: number }).index],
                value: L(10),
                block: {
                  stmts: [
                    { type: 'Dot', source: L(1), key: s('limits'), target: 3 },
                    { type: 'Dot', source: L(3), key: s('max'), target: 4 },
                    { type: 'ObjectInsert', key: s('with'), value: L(4), object: 9 },
                  ],
                },
              },
              { type: 'Dot', source: L(1), key: s('limits'), target: 5 },
              { type: 'Dot', source: L(5), key: s('max'), target: 6 },
              { type: 'ObjectInsert', key: s('orig'), value: L(6), object: 9 },
              {
                type: 'Block',
                blocks: [
                  {
                    stmts: [
                      {
                        type: 'Block',
                        blocks: [
                          { stmts: [{ type: 'Dot', source: L(0), key: s('first'), target: 7 }, { type: 'ObjectInsert', key: s('else'), value: s('first'), object: 9 }, { type: 'Break', index: 1 }] },
                          { stmts: [{ type: 'ObjectInsert', key: s('else'), value: s('second'), object: 9 }, { type: 'Break', index: 1 }] },
                        ],
                      },
                    ],
                  },
                ],
              },
              { type: 'Dot', source: L(0), key: s('fn'), target: 11 },
              { type: 'CallDynamic', path: [s('g0'), s('fns'), L(11)], args: [0, 1], result: 12 },
              { type: 'ObjectInsert', key: s('dyn'), value: L(12), object: 9 },
              { type: 'MakeObject', target: 8 },
              { type: 'ObjectInsert', key: s('result'), value: L(9), object: 8 },
              { type: 'ResultSetAdd', value: 8 },
            ],
          },
        ],
      },
    ],
    funcs: ['a', 'b'].map((n) => ({
      name: `g0.data.fns.${n}`,
      params: [0, 1],
      return: 2,
      path: ['g0', 'fns', n],
      blocks: [{ stmts: [{ type: 'AssignVar', source: s(`fn-${n}`), target: 2 } as Stmt, { type: 'ReturnLocal', source: 2 } as Stmt] }],
    })),
  }));
  // local 10 (the With value) = 3
  pol.plans[0]?.blocks[0]?.stmts.unshift({ type: 'MakeNumberInt', value: 3, target: 10 });
  const wasm = generateWasm(pol);
  const data = { limits: { max: 10, min: 1 } };
  const r1 = await evalBoth(wasm, { admin: false, first: 1, fn: 'b' }, data);
  t.same(r1.a, [{ result: { deny: true, with: 3, orig: 10, else: 'first', dyn: 'fn-b' } }]);
  t.same(r1.b, r1.a);
  const r2 = await evalBoth(wasm, { admin: true, fn: 'zzz' }, data);
  t.same(r2.a, []);
  const r3 = await evalBoth(wasm, { admin: true, fn: 'a' }, data);
  t.same(r3.a, [{ result: { with: 3, orig: 10, else: 'second', dyn: 'fn-a' } }]);
});

t.test('JSON round trips through the module: unicode, numbers, ordering, sets', async (t) => {
  // echo: result = input; keys: result = {input, {1, "a"}} as set
  const pol = policyOf((s) => ({
    plans: [
      {
        name: 'echo',
        blocks: [{ stmts: [{ type: 'MakeObject', target: 2 }, { type: 'ObjectInsert', key: s('result'), value: L(0), object: 2 }, { type: 'ResultSetAdd', value: 2 }] }],
      },
      {
        name: 'shapes',
        blocks: [
          {
            stmts: [
              { type: 'MakeSet', target: 3 },
              { type: 'SetAdd', value: s('b'), set: 3 },
              { type: 'MakeNumberRef', index: (s('1e400') as { index: number }).index, target: 4 },
              { type: 'SetAdd', value: L(4), set: 3 },
              { type: 'MakeNumberRef', index: (s('-2.5') as { index: number }).index, target: 5 },
              { type: 'SetAdd', value: L(5), set: 3 },
              { type: 'SetAdd', value: { kind: 'bool', value: false }, set: 3 },
              { type: 'MakeNull', target: 6 },
              { type: 'SetAdd', value: L(6), set: 3 },
              { type: 'MakeObject', target: 7 },
              { type: 'ObjectInsert', key: L(4), value: s('big'), object: 7 },
              { type: 'ObjectInsert', key: L(3), value: s('set key'), object: 7 },
              { type: 'ObjectInsert', key: s('set'), value: L(3), object: 7 },
              { type: 'MakeObject', target: 2 },
              { type: 'ObjectInsert', key: s('result'), value: L(7), object: 2 },
              { type: 'ResultSetAdd', value: 2 },
            ],
          },
        ],
      },
    ],
    funcs: [],
  }));
  const wasm = generateWasm(pol);
  const tricky = {
    s: 'héllo wörld ✓ 😀 \u0000\u001f "quoted" \\ / \n\t',
    n: [0, -0, 1, -1, 1.5, 1e-7, 123456789012, 2 ** 53, 9007199254740993, 1.7976931348623157e308, 5e-324],
    z: { b: 1, a: 2, '': 3, é: 4, B: 5 },
    deep: [[[[{ x: [null, true, false] }]]]],
  };
  const { a, b } = await evalBoth(wasm, tricky);
  t.same(a, [{ result: tricky }]);
  t.same(b, a);
  // keys come back sorted (OPA dumps objects in key order)
  t.same(Object.keys((a[0] as { result: { z: object } }).result.z), ['', 'B', 'a', 'b', 'é']);
  // raw text: big integers keep their digits
  const raw = new TextEncoder().encode('{"big":12345678901234567890123,"f":0.1,"e":1E+2}');
  const p = await loadPolicy(toBuffer(wasm));
  const r = p.evaluate(raw.buffer.slice(0));
  t.equal(r[0].result.f, 0.1);
  t.equal(r[0].result.e, 100);
  t.equal(r[0].result.big, 12345678901234567890123);
  const shapes = p.evaluate(undefined, 'shapes');
  t.same(shapes, [{ result: { '1e400': 'big', set: [null, false, -2.5, Infinity, 'b'], '[null,false,-2.5,1e400,"b"]': 'set key' } }]);
});

t.test('strictBuiltinErrors: type errors abort instead of being undefined', async (t) => {
  // p := count(input.x)
  const pol = policyOf((s) => ({
    plans: [
      {
        name: 'p',
        blocks: [
          {
            stmts: [
              { type: 'Dot', source: L(0), key: s('x'), target: 2 },
              { type: 'Call', func: 'count', args: [L(2)], result: 3 },
              { type: 'MakeObject', target: 4 },
              { type: 'ObjectInsert', key: s('result'), value: L(3), object: 4 },
              { type: 'ResultSetAdd', value: 4 },
            ],
          },
        ],
      },
    ],
    funcs: [],
  }));
  const lax = await loadPolicy(toBuffer(generateWasm(pol)));
  t.same(lax.evaluate({ x: [1, 2] }), [{ result: 2 }]);
  t.same(lax.evaluate({ x: null }), []);
  t.same(lax.evaluate({}), []);
  const strict = await loadPolicy(toBuffer(generateWasm(pol, { strictBuiltinErrors: true })));
  t.same(strict.evaluate({ x: 'ab' }), [{ result: 2 }]);
  t.equal(thrown(() => strict.evaluate({ x: null })), 'eval_type_error: count: operand 1 must be one of {array, object, set, string} but got null');
  t.same(strict.evaluate({}), [], 'an undefined argument is still just undefined');
});

t.test('a Break out of a With block puts the local back; undefined operands', async (t) => {
  const pol = policyOf((s) => ({
    plans: [
      {
        name: 'p',
        blocks: [
          {
            stmts: [
              { type: 'MakeObject', target: 9 },
              { type: 'MakeNumberInt', value: 42, target: 10 },
              {
                type: 'Block',
                blocks: [
                  {
                    stmts: [
                      {
                        type: 'With',
                        local: 0,
                        path: [(s('x') as { index: number }).index],
                        value: L(10),
                        block: { stmts: [{ type: 'Dot', source: L(0), key: s('x'), target: 2 }, { type: 'ObjectInsert', key: s('inside'), value: L(2), object: 9 }, { type: 'Break', index: 1 }] },
                      },
                    ],
                  },
                ],
              },
              { type: 'Dot', source: L(0), key: s('x'), target: 3 },
              { type: 'ObjectInsert', key: s('after'), value: L(3), object: 9 },
              // inserting an undefined local makes the rest of this block undefined
              { type: 'Block', blocks: [{ stmts: [{ type: 'ObjectInsert', key: s('never'), value: L(20), object: 9 }, { type: 'ObjectInsert', key: s('skipped'), value: s('yes'), object: 9 }] }] },
              { type: 'Block', blocks: [{ stmts: [{ type: 'Equal', a: L(21), b: L(22) }, { type: 'ObjectInsert', key: s('undef-equal'), value: s('yes'), object: 9 }] }] },
              { type: 'Block', blocks: [{ stmts: [{ type: 'NotEqual', a: L(21), b: L(3) }, { type: 'ObjectInsert', key: s('undef-neq'), value: s('yes'), object: 9 }] }] },
              { type: 'MakeObject', target: 8 },
              { type: 'ObjectInsert', key: s('result'), value: L(9), object: 8 },
              { type: 'ResultSetAdd', value: 8 },
            ],
          },
        ],
      },
    ],
    funcs: [],
  }));
  const { a, b } = await evalBoth(generateWasm(pol), { x: 1 });
  t.same(a, [{ result: { inside: 42, after: 1 } }]);
  t.same(b, a);
});
