// `npm run bench -- gateway`: (1) local check() decisions per second in a gateway process (this one),
// (2) the lag from a token's issue (its /token answer) to the gateway knowing it, p50/p99, and
// (3) requests per second through Debian's nginx doing forward-auth against Portcullis for every request.
// Portcullis runs as its own process (`serve --role all`) on a nats-server of its own.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { Gateway } from '../src/gateway/index.js';
import { hashToken } from '../src/oauth/index.js';
import { serveProcess, waitFor200 } from '../test/cluster/lib/processes.js';
import { nginxBinary, startNginx } from '../test/frontend/lib/nginx.js';
import { startNats } from './lib/nats.js';
import { cpuSeconds } from './lib/proc.js';
import { freePort } from './lib/ports.js';
import { basic, post } from './lib/target.js';
import { runWrk } from './lib/wrk.js';

const indicator = 'https://orders.bench.example';

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { duration: { type: 'string' }, tokens: { type: 'string' }, connections: { type: 'string' } }, strict: true });
  const duration = Number(values.duration ?? 5);
  const tokenCount = Number(values.tokens ?? 2000);
  const connections = Number(values.connections ?? 32);
  const nats = await startNats();
  const adminKey = randomBytes(32).toString('base64url');
  const server = await serveProcess({ name: 'bench-gw', role: 'all', natsUrl: nats.url, env: { PORTCULLIS_ADMIN_KEY: adminKey, PORTCULLIS_POLICY_WORKERS: '1' } });
  let gateway: Gateway | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  try {
    await waitFor200(`${server.url}/readyz`, 30_000);
    const admin = `Bearer ${adminKey}`;
    await post(server.url, admin, '/admin/resource-types', { name: 'api', scopes: ['read', 'write'], obligations: [{ type: 'audit' }] });
    const rs = await post(server.url, admin, '/admin/clients', { client_id: 'orders-rs-client' });
    await post(server.url, admin, '/admin/resource-servers', { id: 'orders-rs', client_id: 'orders-rs-client', resource: indicator });
    const app = await post(server.url, admin, '/admin/clients', { client_id: 'app' });
    await post(server.url, admin, '/admin/entitlements', { id: 'app', client_id: 'app', scopes: ['read', 'write'], resource_types: ['api'] });
    const appAuth = basic('app', String(app.client_secret));
    const form = { grant_type: 'client_credentials', scope: 'read write', resource: indicator, resource_type: 'api' };
    for (let i = 0; ; i++) {
      try {
        await post(server.url, appAuth, '/token', form, false);
        break;
      } catch (err) {
        if (i > 100) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    gateway = await Gateway.start({ natsUrl: nats.url, serverUrl: server.url, clientId: 'orders-rs-client', clientSecret: String(rs.client_secret), log: () => undefined });
    const gw = gateway;

    // (2) issue → known lag, measured while minting the tokens the other parts use.
    const issuedAt = new Map<string, number>();
    const lags: number[] = [];
    const off = gw.onLearn((hash) => {
      const t = issuedAt.get(hash);
      if (t !== undefined) lags.push(performance.now() - t);
      else issuedAt.set(hash, -1); // learnt before the answer arrived: lag ≤ 0
    });
    const tokens: string[] = [];
    for (let i = 0; i < tokenCount; i += 16) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(16, tokenCount - i) }, async () => {
          const t = String((await post(server.url, appAuth, '/token', form, false)).access_token);
          const h = hashToken(t);
          if (issuedAt.get(h) === -1) lags.push(0);
          else issuedAt.set(h, performance.now());
          return t;
        }),
      );
      tokens.push(...batch);
    }
    const until = Date.now() + 10_000;
    while (Date.now() < until && !tokens.every((t) => gw.knows(t))) await new Promise((r) => setTimeout(r, 20));
    off();
    lags.sort((a, b) => a - b);

    // (1) local check() per second, one process, one thread.
    const ctx = { action: 'read', resource_type: 'api' };
    let checks = 0;
    let active = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    while (performance.now() - t0 < duration * 1000) {
      for (let i = 0; i < 256; i++) {
        const r = await gw.check(tokens[checks % tokens.length] as string, ctx);
        if (r.active) active++;
        checks++;
      }
    }
    const secs = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const stats = gw.stats();

    // (3) nginx forward-auth.
    let nginxLine = 'nginx: not installed (apt-get install -y nginx failed); skipped';
    const binary = nginxBinary();
    if (binary) {
      const upstream = createServer((_req, res) => res.end('ok'));
      const upPort = await freePort();
      await new Promise<void>((r) => upstream.listen(upPort, '127.0.0.1', r));
      cleanups.push(() => new Promise<void>((r) => upstream.close(() => r())));
      const proxy = await startNginx({ binary, port: await freePort(), upstream: `127.0.0.1:${upPort}`, portcullis: new URL(server.url).host, gatewayAuthorization: basic('orders-rs-client', String(rs.client_secret)) });
      cleanups.push(() => proxy.stop());
      const requests = tokens.slice(0, 512).map((t) => ({ method: 'GET' as const, path: '/orders/1', headers: { Authorization: `Bearer ${t}` } }));
      await runWrk({ url: proxy.url, requests, connections, durationSeconds: 1 });
      const before = cpuSeconds(server.pid);
      const r = await runWrk({ url: proxy.url, requests, connections, durationSeconds: duration });
      const used = cpuSeconds(server.pid) - before;
      nginxLine = `nginx auth_request → /forward-auth: ${r.requestsPerSecond.toFixed(0)} req/s, p50 ${(r.p50Us / 1000).toFixed(2)} ms, p99 ${(r.p99Us / 1000).toFixed(2)} ms, ${r.non2xx} non-2xx, ${r.errors} errors; Portcullis CPU ${((used * 1e6) / Math.max(1, r.requests)).toFixed(0)} µs/req`;
    }

    console.log(`\ngateway: ${tokenCount} tokens, ${stats.cached} cached, policy ${stats.policyVersion}`);
    console.log(`local check(): ${(checks / secs).toFixed(0)} decisions/s in one thread (${active === checks ? 'all active' : `${active}/${checks} active`}), ` +
      `${(((cpu.user + cpu.system) / checks)).toFixed(1)} µs CPU each; ${stats.introspections} fell back to /introspect`);
    console.log(`issue → gateway knows the token: p50 ${pct(lags, 50).toFixed(2)} ms, p99 ${pct(lags, 99).toFixed(2)} ms (${lags.length} tokens, from the /token answer's arrival)`);
    console.log(nginxLine);
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await gateway?.stop().catch(() => undefined);
    await server.stop().catch(() => undefined);
    await nats.stop();
  }
}
