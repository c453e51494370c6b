// Client ID Metadata Documents over real loopback HTTP: a document is fetched, checked and cached per its
// caching headers within bounds; private addresses, huge documents, slow servers, redirects and too many
// fetches at once are refused with clear invalid_client errors and no hang. Tests reach 127.0.0.1 only
// through the allowlist and the explicit allowHttp test option.
import t from 'tap';
import { ClientIdMetadataDocuments, checkClientIdUrl, isClientIdUrl } from '../../src/oauth/cimd/index.js';
import { BoundedFetcher, isNonPublicAddress } from '../../src/oauth/fetch/index.js';
import { json, startLoopbackServer } from '../helpers/oauth-keys.js';
import { code } from '../helpers/oauth-outcome.js';

const srv = await startLoopbackServer();
t.teardown(() => srv.close());
const doc = (path: string, extra: Record<string, unknown> = {}) => ({
  client_id: `${srv.origin}${path}`,
  client_name: 'MCP agent',
  redirect_uris: ['http://127.0.0.1:7777/cb'],
  grant_types: ['authorization_code'],
  token_endpoint_auth_method: 'none',
  ...extra,
});
let now = 1_800_000_000_000;
const clock = () => now;
const testFetcher = (o: Record<string, unknown> = {}) => new BoundedFetcher({ allowHttp: true, allowlist: ['127.0.0.1'], timeoutMs: 400, maxBytes: 8_192, ...o });

t.test('a document is fetched, must name itself, and becomes client metadata', async (t) => {
  srv.route('/agent.json', json(doc('/agent.json', { software_id: 'agent-sw' })));
  const cimd = new ClientIdMetadataDocuments({ fetcher: testFetcher(), now: clock });
  const r = await cimd.resolve(`${srv.origin}/agent.json`);
  t.equal(r.client_id, `${srv.origin}/agent.json`);
  t.equal(r.metadata.client_type, 'public');
  t.equal(r.metadata.software_id, 'agent-sw');
  t.equal(r.document.client_name, 'MCP agent');
  srv.route('/liar.json', json(doc('/someone-else.json')));
  t.equal(await code(cimd.resolve(`${srv.origin}/liar.json`)), 'invalid_client: client_id in the client metadata document must equal its URL');
  srv.route('/secret.json', json(doc('/secret.json', { client_secret: 'x' })));
  t.match(await code(cimd.resolve(`${srv.origin}/secret.json`)), /must not hold client_secret/);
  srv.route('/basic.json', json(doc('/basic.json', { token_endpoint_auth_method: 'client_secret_basic' })));
  t.match(await code(cimd.resolve(`${srv.origin}/basic.json`)), /invalid: token_endpoint_auth_method/);
  srv.route('/array.json', json([1, 2]));
  t.match(await code(cimd.resolve(`${srv.origin}/array.json`)), /not a JSON object/);
  srv.route('/notjson', (_q, res) => res.writeHead(200).end('<html>'));
  t.match(await code(cimd.resolve(`${srv.origin}/notjson`)), /did not return valid JSON/);
  srv.route('/gone', (_q, res) => res.writeHead(404).end());
  t.match(await code(cimd.resolve(`${srv.origin}/gone`)), /status 404/);
});

t.test('cached per Cache-Control and Expires, within min and max bounds', async (t) => {
  const cimd = new ClientIdMetadataDocuments({ fetcher: testFetcher(), cache: { minTtlMs: 10_000, maxTtlMs: 3_600_000 }, now: clock });
  srv.route('/c60.json', json(doc('/c60.json'), { 'cache-control': 'public, max-age=60' }));
  srv.route('/c0.json', json(doc('/c0.json'), { 'cache-control': 'no-store' }));
  srv.route('/cbig.json', json(doc('/cbig.json'), { 'cache-control': 'max-age=999999999' }));
  srv.route('/exp.json', (q, res) => json(doc('/exp.json'), { expires: new Date(Date.now() + 120_000).toUTCString(), date: new Date().toUTCString() })(q, res));
  const start = now;
  const resolveAll = () => Promise.all(['/c60.json', '/c0.json', '/cbig.json', '/exp.json'].map((p) => cimd.resolve(`${srv.origin}${p}`)));
  const hits = () => ['/c60.json', '/c0.json', '/cbig.json', '/exp.json'].map((p) => srv.hits.get(p) ?? 0);
  await resolveAll();
  await resolveAll();
  t.same(hits(), [1, 1, 1, 1], 'second round from cache');
  now = start + 11_000;
  await resolveAll();
  t.same(hits(), [1, 2, 1, 1], 'no-store kept only the minimum');
  now = start + 61_000;
  await resolveAll();
  t.same(hits(), [2, 3, 1, 1], 'max-age=60 honoured');
  now = start + 125_000;
  await resolveAll();
  t.same(hits(), [3, 4, 1, 2], 'Expires honoured');
  now = start + 3_601_000;
  await resolveAll();
  t.same(hits(), [4, 5, 2, 3], 'max-age beyond maxTtl clamped to an hour');
  now = start;
});

t.test('the cache holds a bounded number of documents', async (t) => {
  const cimd = new ClientIdMetadataDocuments({ fetcher: testFetcher(), cache: { maxEntries: 2 }, now: clock });
  for (const p of ['/e1.json', '/e2.json', '/e3.json']) srv.route(p, json(doc(p)));
  for (const p of ['/e1.json', '/e2.json', '/e3.json', '/e1.json']) await cimd.resolve(`${srv.origin}${p}`);
  t.equal(srv.hits.get('/e1.json'), 2, 'the oldest entry was evicted and fetched again');
  t.equal(srv.hits.get('/e3.json'), 1);
});

t.test('refused without hanging: private address, huge document, slow server, redirect', async (t) => {
  srv.route('/ok.json', json(doc('/ok.json')));
  srv.route('/huge.json', json(doc('/huge.json', { pad: 'x'.repeat(50_000) })));
  srv.route('/chunked.json', (_q, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const timer = setInterval(() => res.write('x'.repeat(4096)), 5);
    res.on('close', () => clearInterval(timer));
  });
  srv.route('/slow.json', (q, res) => setTimeout(() => json(doc('/slow.json'))(q, res), 3_000).unref());
  srv.route('/redirect.json', (_q, res) => res.writeHead(301, { location: `${srv.origin}/ok.json` }).end());
  const strict = new ClientIdMetadataDocuments({ fetcher: new BoundedFetcher({ allowHttp: true, timeoutMs: 400 }), now: clock });
  t.match(await code(strict.resolve(`${srv.origin}/ok.json`)), /^invalid_client: the client metadata document could not be fetched: 127\.0\.0\.1 is a loopback, private/);
  const port = new URL(srv.origin).port;
  t.match(await code(strict.resolve(`http://localhost:${port}/ok.json`)), /localhost resolves to (127\.0\.0\.1|::1), a loopback, private/, 'checked after DNS resolution');
  t.match(await code(strict.resolve('http://169.254.169.254/latest/meta-data.json')), /169\.254\.169\.254 is a loopback, private, link-local/);
  t.match(await code(strict.resolve('http://[::ffff:7f00:1]/x.json')), /loopback, private/);
  t.match(await code(strict.resolve('http://10.1.2.3/x.json')), /loopback, private/);

  const cimd = new ClientIdMetadataDocuments({ fetcher: testFetcher(), now: clock });
  t.match(await code(cimd.resolve(`${srv.origin}/huge.json`)), /larger than 8192 bytes/);
  t.match(await code(cimd.resolve(`${srv.origin}/chunked.json`)), /larger than 8192 bytes/, 'also without a Content-Length');
  const started = Date.now();
  t.match(await code(cimd.resolve(`${srv.origin}/slow.json`)), /did not answer within 400 ms/);
  t.ok(Date.now() - started < 1_500, `the slow server cost ${Date.now() - started} ms`);
  t.match(await code(cimd.resolve(`${srv.origin}/redirect.json`)), /redirect \(301\); redirects are not followed/);
});

t.test('at most N fetches in flight; concurrent resolves of one URL share a fetch', async (t) => {
  for (const p of ['/s1.json', '/s2.json', '/s3.json']) srv.route(p, (q, res) => setTimeout(() => json(doc(p))(q, res), 100).unref());
  const cimd = new ClientIdMetadataDocuments({ fetcher: testFetcher({ maxInFlight: 2 }), now: clock });
  const results = await Promise.all(['/s1.json', '/s2.json', '/s3.json'].map((p) => code(cimd.resolve(`${srv.origin}${p}`))));
  t.same(results.slice(0, 2), ['ok', 'ok']);
  t.match(results[2], /too many outbound fetches in flight \(at most 2\)/);
  srv.route('/shared.json', (q, res) => setTimeout(() => json(doc('/shared.json'))(q, res), 50).unref());
  const same = await Promise.all(Array.from({ length: 10 }, () => code(cimd.resolve(`${srv.origin}/shared.json`))));
  t.same(new Set(same), new Set(['ok']));
  t.equal(srv.hits.get('/shared.json'), 1);
});

t.test('client_id URL rules', async (t) => {
  t.ok(isClientIdUrl('https://app.example/client.json'));
  t.notOk(isClientIdUrl('my-client'));
  t.notOk(isClientIdUrl('http://app.example/c'), 'http only with the test option');
  t.equal(await code(() => checkClientIdUrl('https://app.example/client.json')), 'ok');
  t.match(await code(() => checkClientIdUrl('http://app.example/c.json')), /must use https/);
  t.match(await code(() => checkClientIdUrl('https://app.example')), /must have a path/);
  t.match(await code(() => checkClientIdUrl('https://app.example/')), /must have a path/);
  t.match(await code(() => checkClientIdUrl('https://app.example/a#frag')), /fragment/);
  t.match(await code(() => checkClientIdUrl('https://u:p@app.example/a')), /credentials/);
  t.match(await code(() => checkClientIdUrl('https://app.example/a/../b')), /\. or \.\. path segments/);
  t.match(await code(() => checkClientIdUrl('https://APP.example/a')), /normal form/);
  const cimd = new ClientIdMetadataDocuments({ fetcher: new BoundedFetcher(), now: clock });
  t.match(await code(cimd.resolve(`${srv.origin}/ok.json`)), /must use https/, 'http refused without the test option');
});

t.test('address classification', async (t) => {
  for (const a of ['127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd00:ec2::254', '::ffff:10.0.0.1', '::ffff:7f00:1', '224.0.0.1', 'not-an-ip']) {
    t.ok(isNonPublicAddress(a), `${a} is not public`);
  }
  for (const a of ['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8']) t.notOk(isNonPublicAddress(a), `${a} is public`);
});
