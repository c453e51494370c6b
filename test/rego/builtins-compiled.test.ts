// The compiled-in builtins called from compiled policies: the code generator links b_* exports
// instead of host imports, and the results match what OPA computes for the same policy.
import t from 'tap';
import { compileRego, loadRegoPolicy } from '../../src/rego/index.js';

const source = `package authz
import rego.v1

msg := sprintf("%s may %s %d item(s) (%.1f%%)", [input.user, input.action, count(input.items), 12.345])
user_ok if regex.match("^[a-z][a-z0-9_-]{2,15}$", input.user)
host_ok if glob.match("*.example.com", ["."], input.host)
scope_list := split(trim_space(input.scope), " ")
issued_day := time.date(time.parse_rfc3339_ns(input.issued))
expires := time.add_date(time.parse_rfc3339_ns(input.issued), 0, 1, 0)
claims := io.jwt.decode(input.token)[1]
internal if net.cidr_contains("10.0.0.0/8", input.ip)
body := json.marshal({"sub": claims.sub, "scopes": scope_list})
quota := units.parse_bytes("1.5GiB")
redirect := concat("?", [input.redirect, urlquery.encode_object({"state": "a b"})])
`;

const b64url = (s: string) => Buffer.from(s).toString('base64url');

t.test('a policy using compiled-in builtins', async (t) => {
  const compiled = compileRego({ files: [{ path: 'authz.rego', source }], entrypoints: ['authz'] });
  t.same(compiled.diagnostics, []);
  if (!compiled.wasm) return;
  // none of these builtins is imported from the host
  const module = new WebAssembly.Module(new Uint8Array(compiled.wasm));
  const exported = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  for (const name of ['sprintf', 'regex.match', 'glob.match', 'time.parse_rfc3339_ns', 'io.jwt.decode', 'net.cidr_contains', 'json.marshal']) {
    t.ok(exported.has(`b_${name.replace(/\./g, '_')}`), `${name} is compiled in`);
  }
  const policy = await loadRegoPolicy(compiled.wasm, {});
  const token = `${b64url('{"alg":"none"}')}.${b64url('{"sub":"alice"}')}.`;
  const [result] = policy.evaluate({
    user: 'alice', action: 'read', items: [1, 2], host: 'api.example.com', scope: ' openid profile ',
    issued: '2024-01-31T10:00:00Z', token, ip: '10.1.2.3', redirect: 'https://app/cb',
  }, 'authz');
  t.same(result?.result, {
    msg: 'alice may read 2 item(s) (12.3%)',
    user_ok: true,
    host_ok: true,
    scope_list: ['openid', 'profile'],
    issued_day: [2024, 1, 31],
    expires: 1709373600000000000, // 2024-03-02T10:00:00Z: Jan 31 + 1 month normalises as Go's AddDate does
    claims: { sub: 'alice' },
    internal: true,
    body: '{"scopes":["openid","profile"],"sub":"alice"}',
    quota: 1610612736,
    redirect: 'https://app/cb?state=a+b',
  });
});
