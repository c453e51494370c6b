// Host builtins: sprintf with Go fmt semantics (as OPA), time.now_ns fixed within one evaluation.
import t from 'tap';
import { createHostBuiltins } from '../../src/rego/host-builtins.js';

const { builtins, startEvaluation } = createHostBuiltins({ clock: (() => {
  let n = 1_700_000_000_000_000_000;
  return () => (n += 1000);
})() });
const sprintf = builtins.sprintf as (f: string, v: unknown[]) => string;

t.test('sprintf follows Go fmt', async (t) => {
  const cases: [string, unknown[], string][] = [
    ['component:%s/%s', ['xyz', 'test'], 'component:xyz/test'],
    ['%d items', [3], '3 items'],
    ['%v', [1.5], '1.5'],
    ['%v', [1000000.5], '1.0000005e+06'],
    ['%05d', [-42], '-0042'],
    ['%x', [255], 'ff'],
    ['%.2f', [3.14159], '3.14'],
    ['%e', [1234.5], '1.234500e+03'],
    ['%8.3f|', [3.14159], '   3.142|'],
    ['%-5s|', ['ab'], 'ab   |'],
    ['%q', ['a"b'], '"a\\"b"'],
    ['100%%', [], '100%'],
    ['%v', [[1, 'a']], '[1, "a"]'],
    ['%v', [{ b: 1, a: true }], '{"a": true, "b": 1}'],
    ['%s', [5], '%!s(int=5)'],
    ['%d', ['a'], '%!d(string=a)'],
    ['%s %s', ['a'], 'a %!s(MISSING)'],
    ['%s', ['a', 1], 'a%!(EXTRA int=1)'],
    ['%t', [true], '%!t(string=true)'],
  ];
  for (const [f, v, want] of cases) t.equal(sprintf(f, v), want, `${f} ${JSON.stringify(v)}`);
  t.equal(builtins.sprintf?.('%s', 'not an array'), undefined, 'undefined on a non-array operand');
});

t.test('time.now_ns is one instant per evaluation', async (t) => {
  const now = builtins['time.now_ns'] as () => number;
  startEvaluation();
  const a = now();
  t.equal(now(), a, 'same value within an evaluation');
  startEvaluation();
  t.not(now(), a, 'a new evaluation reads the clock again');
});

t.test('a compiled policy calls the host builtins the runtime does not compile in', async (t) => {
  const { compileRego, formatDiagnostic, loadRegoPolicy } = await import('../../src/rego/index.js');
  const { createHmac, generateKeyPairSync, sign } = await import('node:crypto');
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const hs = (claims: unknown) => {
    const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
    return `${input}.${createHmac('sha256', 'k3y').update(input).digest('base64url')}`;
  };
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const es = (() => {
    const input = `${b64({ alg: 'ES256' })}.${b64({ iss: 'me', aud: 'you', exp: 2_000_000_000 })}`;
    return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  })();
  const source = `package h

now_same if time.now_ns() == time.now_ns()

msg := sprintf("%s has %d scopes (%v)", [input.client, count(input.scopes), input.scopes])

sha := crypto.sha256("abc")

hs_ok := io.jwt.verify_hs256(input.hs, "k3y")

hs_bad := io.jwt.verify_hs256(input.hs, "wrong")

es := io.jwt.decode_verify(input.es, {"cert": input.pem, "iss": "me", "aud": "you", "time": 1700000000000000000})

es_expired := io.jwt.decode_verify(input.es, {"cert": input.pem, "aud": "you", "time": 2100000000000000000})[0]

semver_cmp := semver.compare("1.2.3-alpha", "1.2.3")

range_step := numbers.range_step(0, 4, 2)

uuid_stable if uuid.rfc4122("a") == uuid.rfc4122("a")
`;
  const { wasm, diagnostics } = compileRego({ files: [{ path: 'h.rego', source }], entrypoints: ['h'] });
  t.ok(wasm, diagnostics.map(formatDiagnostic).join('\n'));
  if (!wasm) return;
  const policy = await loadRegoPolicy(wasm);
  t.same(policy.missingBuiltins, [], `host covers every import: ${policy.importedBuiltins.join(', ')}`);
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const [{ result }] = policy.evaluate({ client: 'c1', scopes: ['a', 'b'], hs: hs({ sub: 'x' }), es, pem }, 'h') as [{ result: Record<string, unknown> }];
  t.equal(result.now_same, true);
  t.equal(result.msg, 'c1 has 2 scopes (["a", "b"])');
  t.equal(result.sha, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  t.equal(result.hs_ok, true);
  t.equal(result.hs_bad, false);
  t.same(result.es, [true, { alg: 'ES256' }, { iss: 'me', aud: 'you', exp: 2_000_000_000 }]);
  t.equal(result.es_expired, false);
  t.equal(result.semver_cmp, -1);
  t.same(result.range_step, [0, 2, 4]);
  t.equal(result.uuid_stable, true);
});
