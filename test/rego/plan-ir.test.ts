// Exact IR for small hand-built ASTs (already resolved, as the checks hand them over): what the Wasm back
// end receives for a complete rule, a partial set, negation and a data ref iterating over rule keys.
import t from 'tap';
import type { Body, Expr, Location, Module, Rule, RuleHead, Term, Value } from '../../src/rego/ast/types.js';
import { plan } from '../../src/rego/plan/index.js';
import { formatPolicy } from '../../src/rego/plan/print.js';

const at: Location = { file: 'hand.rego', line: 1, col: 1 };
const term = (value: Value): Term => ({ value, location: at });
const v = (name: string): Term => term({ type: 'var', name });
const s = (value: string): Term => term({ type: 'string', value });
const n = (raw: string): Term => term({ type: 'number', raw });
const ref = (...terms: Term[]): Term => term({ type: 'ref', terms });
const expr = (body: Expr['body'], negated = false): Expr => ({ body, negated, with: [], location: at });
const call = (op: string, ...args: Term[]): Expr => expr({ type: 'call', operator: op.split('.').map((x, i) => (i === 0 ? v(x) : s(x))), args });

function moduleOf(pkg: string, rules: { kind: Rule['kind']; head: Omit<RuleHead, 'location' | 'assign'>; body: Body }[]): Module {
  const m: Module = { file: 'hand.rego', package: [v('data'), ...pkg.split('.').map(s)], imports: [], rules: [], regoVersion: 1 };
  m.rules = rules.map((r) => ({ kind: r.kind, default: false, head: { ...r.head, assign: true, location: at }, body: r.body, location: at, module: m }));
  return m;
}

function ir(modules: Module[], entrypoints: string[]): string {
  const r = plan(modules, entrypoints);
  t.same(r.diagnostics, []);
  return r.policy ? formatPolicy(r.policy) : '';
}

t.test('p := x if { x := input.a; x > 1 }', async (t) => {
  const m = moduleOf('test', [
    {
      kind: 'complete',
      head: { ref: [v('p')], value: v('__local0__') },
      body: [call('assign', v('__local0__'), ref(v('input'), s('a'))), call('gt', v('__local0__'), n('1'))],
    },
  ]);
  t.equal(
    ir([m], ['test/p']),
    `plan test/p
  block 0
    Call func="g0.data.test.p" args=[%0, %1] result=%2
    MakeObject target=%3
    ObjectInsert key="result" value=%2 object=%3
    ResultSetAdd value=%3
func g0.data.test.p(%0, %1) -> %2
  block 0
    ResetLocal target=%3
    Dot source=%0 key="a" target=%4
    AssignVar source=%4 target=%5
    MakeNumberInt value=1 target=%6
    Call func="gt" args=[%5, %6] result=%7
    NotEqual a=%7 b=false
    AssignVarOnce source=%5 target=%3
  block 1
    IsDefined source=%3
    AssignVarOnce source=%3 target=%2
  block 2
    ReturnLocal source=%2`,
  );
});

t.test('s contains x if { some x in input.xs; not input.deny[x] }', async (t) => {
  const m = moduleOf('test', [
    {
      kind: 'partial_set',
      head: { ref: [v('s')], key: v('__local0__') },
      body: [
        expr({ type: 'somein', value: v('__local0__'), collection: ref(v('input'), s('xs')) }),
        expr({ type: 'term', term: ref(v('input'), s('deny'), v('__local0__')) }, true),
      ],
    },
  ]);
  t.equal(
    ir([m], ['test/s']).split('\n').slice(6).join('\n'),
    `func g0.data.test.s(%0, %1) -> %2
  block 0
    MakeSet target=%2
  block 1
    ResetLocal target=%3
    Dot source=%0 key="xs" target=%4
    Scan %4 key=%5 value=%6
      AssignVar source=%6 target=%7
      Not
        ResetLocal target=%8
        Block
          block 0
            Dot source=%0 key="deny" target=%9
            Dot source=%9 key=%7 target=%10
            NotEqual a=%10 b=false
            AssignVar source=true target=%8
        IsDefined source=%8
      SetAdd value=%7 set=%2
  block 2
    ReturnLocal source=%2`,
  );
});

t.test('k := data.pkg[_] enumerates rule keys, then the base keys no rule shadows', async (t) => {
  const pkg = moduleOf('pkg', [{ kind: 'complete', head: { ref: [v('a')], value: n('1') }, body: [] }]);
  const test = moduleOf('test', [
    {
      kind: 'partial_set',
      head: { ref: [v('vals')], key: v('__local0__') },
      body: [call('assign', v('__local0__'), ref(v('data'), s('pkg'), v('$_0')))],
    },
  ]);
  const text = ir([pkg, test], ['test/vals']);
  t.match(
    text,
    `  block 1
    ResetLocal target=%3
    Block
      block 0
        AssignVar source="a" target=%4
        Call func="g0.data.pkg.a" args=[%0, %1] result=%5
        AssignVar source=%5 target=%6
        SetAdd value=%6 set=%2
    MakeSet target=%7
    SetAdd value="a" set=%7
    Dot source=%1 key="pkg" target=%8
    Scan %8 key=%9 value=%10
      AssignVar source=%9 target=%11
      Not
        Dot source=%7 key=%9 target=%12
      AssignVar source=%10 target=%13
      SetAdd value=%13 set=%2`,
  );
});
