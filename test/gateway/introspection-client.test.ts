// The introspection fallback bounds the server's answer and turns one that is not JSON into its typed
// error instead of a raw SyntaxError.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { IntrospectionClient, IntrospectionUnavailableError } from '../../src/gateway/introspection-client.js';

const bodies: Record<string, string> = {
  '/html': '<html>proxy error page</html>',
  '/huge': `{"active":false,"pad":"${'x'.repeat(2_000_000)}"}`,
  '/ok': '{"active":false}',
};
let path = '/ok';
const server = createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(bodies[path]);
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
t.teardown(() => new Promise<void>((r) => server.close(() => r())));
const client = new IntrospectionClient({ url, clientId: 'rs', clientSecret: 's', userAgent: 'test', timeoutMs: 2000, maxBytes: 65_536 });

t.test('a JSON answer is returned', async (t) => {
  path = '/ok';
  t.same(await client.introspect('tok', {}), { active: false });
});

t.test('a 200 that is not JSON is a typed error', async (t) => {
  path = '/html';
  const err = await client.introspect('tok', {}).catch((e: unknown) => e);
  t.ok(err instanceof IntrospectionUnavailableError, String(err));
  t.notOk(err instanceof SyntaxError);
});

t.test('an answer over the bound is refused', async (t) => {
  path = '/huge';
  const err = await client.introspect('tok', {}).catch((e: unknown) => e);
  t.ok(err instanceof IntrospectionUnavailableError, String(err));
  t.match(String(err), /bytes/);
});
