// With port 0 the default issuer names the port actually bound, not ":0" (metadata and `iss` must be
// reachable); an explicit issuer is left alone.
import t from 'tap';
import { startHarness } from '../e2e/lib/harness.js';

const h = await startHarness();
t.teardown(() => h.stop());

t.test('the default issuer carries the bound port', async (t) => {
  const port = new URL(h.url).port;
  t.not(port, '0');
  t.equal(h.server.config.issuer, `http://127.0.0.1:${port}`);
  const meta = (await (await fetch(`${h.url}/.well-known/oauth-authorization-server`)).json()) as { issuer: string; token_endpoint: string };
  t.equal(meta.issuer, `http://127.0.0.1:${port}`);
  t.equal(meta.token_endpoint, `http://127.0.0.1:${port}/token`);
});
