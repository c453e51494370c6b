// /forward-auth and the /stream upgrade have the edge deadline of every other endpoint: when the work
// behind them never settles (a stuck worker, an in-process actor call) they answer 503 + Retry-After.
import { request } from 'node:http';
import t from 'tap';
import uWS from 'uWebSockets.js';
import type { FrontendContext } from '../../src/frontend/context.js';
import { forwardAuthRoute } from '../../src/frontend/forward-auth.js';
import { addStreamRoute } from '../../src/frontend/stream.js';
import type { TokenStreamAccess } from '../../src/frontend/stream-access.js';

const never = (): Promise<never> => new Promise(() => undefined);
// requestTimeoutMs 50 → edge deadline 2 × 50 + 1000 = 1100 ms.
const outcomes: string[] = [];
const ctx = {
  config: { requestTimeoutMs: 50, retryAfterSeconds: 2, trustProxy: false, issuer: 'http://127.0.0.1' },
  metrics: { done: (_e: string, o: string) => outcomes.push(o) },
  tokens: { introspect: never },
  logError: () => undefined,
} as unknown as FrontendContext;
const access: TokenStreamAccess = { authorize: never, open: never };

const app = uWS.App();
app.any('/forward-auth', forwardAuthRoute(ctx));
addStreamRoute(app, ctx, access);
const socket = await new Promise<uWS.us_listen_socket>((resolve, reject) =>
  app.listen('127.0.0.1', 0, (s) => (s ? resolve(s) : reject(new Error('listen failed')))),
);
const port = uWS.us_socket_local_port(socket);
t.teardown(() => uWS.us_listen_socket_close(socket));

function get(path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, ms: Date.now() - t0 }));
    });
    req.on('error', reject);
    req.setTimeout(8000, () => req.destroy(new Error('no answer within 8 s')));
    req.end();
  });
}

const gateway = `Basic ${Buffer.from('rs:secret').toString('base64')}`;

t.test('/forward-auth answers 503 + Retry-After at the deadline', async (t) => {
  const r = await get('/forward-auth', { Authorization: 'Bearer abc', 'X-Portcullis-Authorization': gateway, 'X-Forwarded-Uri': '/x', 'X-Forwarded-Method': 'GET', 'X-Forwarded-Host': 'api.example' });
  t.equal(r.status, 503);
  t.equal(r.headers['retry-after'], '2');
  t.ok(r.ms >= 1000 && r.ms < 5000, `at the deadline (${r.ms} ms)`);
});

t.test('the /stream upgrade answers 503 + Retry-After at the deadline', async (t) => {
  const r = await get('/stream', { Authorization: 'Bearer abc', Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' });
  t.equal(r.status, 503);
  t.equal(r.headers['retry-after'], '2');
  t.ok(r.ms >= 1000 && r.ms < 5000, `at the deadline (${r.ms} ms)`);
});
