// Forward-auth acts as the resource server: a DPoP-bound access token (cnf.jkt) presented with the Bearer
// scheme and no proof must be refused (RFC 9449 §7.2), or a stolen DPoP token works as a plain bearer one.
import t from 'tap';
import { basic, provisionWorld, startHarness } from '../e2e/lib/harness.js';
import { dpopProof, keyPair } from '../e2e/lib/issue6.js';

t.setTimeout(60_000);

t.test('a DPoP-bound token presented as Bearer is refused at forward-auth', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.stop());
  const w = await provisionWorld(h);
  const tokenUrl = `${h.server.config.issuer}/token`;
  const form = new URLSearchParams({ grant_type: 'client_credentials', scope: 'read', resource: w.rs.resource, resource_type: 'api' }).toString();
  const mint = async (extra: Record<string, string>): Promise<string> => {
    const r = await fetch(tokenUrl.replace(h.server.config.issuer, h.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: basic(w.client.id, w.client.secret), ...extra },
      body: form,
    });
    const body = (await r.json()) as Record<string, unknown>;
    if (r.status !== 200) throw new Error(`token: ${r.status} ${JSON.stringify(body)}`);
    return body.access_token as string;
  };
  const forwardAuth = (authorization: string) =>
    fetch(`${h.url}/forward-auth`, {
      headers: {
        Authorization: authorization,
        'X-Portcullis-Authorization': basic(w.rs.id, w.rs.secret),
        'X-Original-Method': 'GET',
        'X-Original-Uri': '/orders/1',
        'X-Original-Host': 'orders.example',
        'X-Forwarded-Proto': 'https',
      },
    });
  const plain = await forwardAuth(`Bearer ${await mint({})}`);
  t.equal(plain.status, 200, 'control: a Bearer token passes');
  const k = await keyPair();
  const bound = await mint({ DPoP: await dpopProof(k, 'POST', tokenUrl) });
  const asBearer = await forwardAuth(`Bearer ${bound}`);
  t.equal(asBearer.status, 401, 'the DPoP-bound token without its proof is refused');
  t.match(asBearer.headers.get('www-authenticate') ?? '', /^DPoP /, 'with a DPoP challenge');
  t.match(asBearer.headers.get('www-authenticate') ?? '', /algs="[^"]*\bES256\b[^"]*"/, 'naming the proof algorithms accepted (RFC 9449 §7.1)');
});
