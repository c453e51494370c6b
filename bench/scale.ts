// `npm run bench -- scale`: token + introspection load (wrk) against 1 frontend + 1 actor host, then 2 + 2
// (the frontends share one port), as separate processes on this box against one nats-server; prints the
// throughput ratio, CPU per request by process role, and a projection for N hosts with its assumptions.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { serveProcess, type ServeProcess, waitFor200 } from '../test/cluster/lib/processes.js';
import { startNats } from './lib/nats.js';
import { cpuSeconds } from './lib/proc.js';
import { freePort } from './lib/ports.js';
import { basic, post } from './lib/target.js';
import { runWrk, type HttpRequestSpec } from './lib/wrk.js';

const indicator = 'https://api.scale.example';

interface Phase {
  label: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU µs per request, by role (summed over that role's processes) and nats-server. */
  cpu: { frontend: number; actors: number; nats: number };
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { duration: { type: 'string' }, connections: { type: 'string' }, warmup: { type: 'string' } }, strict: true });
  const duration = Number(values.duration ?? 5);
  const connections = Number(values.connections ?? 64);
  const warmup = Number(values.warmup ?? 2);
  const nats = await startNats();
  const adminKey = randomBytes(32).toString('base64url');
  const env = { PORTCULLIS_ADMIN_KEY: adminKey, PORTCULLIS_POLICY_WORKERS: '1', PORTCULLIS_LEASE_TTL_MS: '3000', PORTCULLIS_LEASE_RENEW_MS: '1000' };
  const port = await freePort();
  const procs: ServeProcess[] = [];
  const start = async (name: string, role: 'frontend' | 'actors'): Promise<ServeProcess> => {
    const p = await serveProcess({ name, role, natsUrl: nats.url, port: role === 'frontend' ? port : 0, env });
    procs.push(p);
    return p;
  };
  try {
    await start('frontend-1', 'frontend');
    const a1 = await start('actors-1', 'actors');
    await waitFor200(`${a1.url}/readyz`, 30_000);
    const url = `http://127.0.0.1:${port}`;
    const admin = `Bearer ${adminKey}`;
    await post(url, admin, '/admin/resource-types', { name: 'api', scopes: ['read', 'write'] });
    const rs = await post(url, admin, '/admin/clients', { client_name: 'scale rs' });
    await post(url, admin, '/admin/resource-servers', { id: 'scale-rs', client_id: rs.client_id, resource: indicator });
    // Several clients, so client-actor shards spread over the hosts.
    const clients: string[] = [];
    for (let i = 0; i < 16; i++) {
      const c = await post(url, admin, '/admin/clients', { client_id: `scale-${i}` });
      await post(url, admin, '/admin/entitlements', { id: `scale-${i}`, client_id: `scale-${i}`, scopes: ['read', 'write'], resource_types: ['api'] });
      clients.push(basic(`scale-${i}`, String(c.client_secret)));
    }
    const form = { grant_type: 'client_credentials', scope: 'read', resource: indicator, resource_type: 'api' };
    for (let i = 0; ; i++) {
      try {
        await post(url, clients[0] as string, '/token', form, false);
        break;
      } catch (err) {
        if (i > 100) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const tokens: string[] = [];
    for (let i = 0; i < 512; i++) tokens.push(String((await post(url, clients[i % clients.length] as string, '/token', form, false)).access_token));
    const rsAuth = basic(String(rs.client_id), String(rs.client_secret));
    const requests: HttpRequestSpec[] = [];
    for (let i = 0; i < tokens.length; i++) {
      requests.push({ method: 'POST', path: '/token', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: clients[i % clients.length] as string }, body: new URLSearchParams(form).toString() });
      requests.push({ method: 'POST', path: '/introspect', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: rsAuth }, body: `token=${encodeURIComponent(tokens[i] as string)}` });
    }
    const phase = async (label: string): Promise<Phase> => {
      if (warmup > 0) await runWrk({ url, requests, connections, durationSeconds: warmup });
      const cpuOf = (role: string): number => procs.filter((p) => p.role === role).reduce((s, p) => s + cpuSeconds(p.pid), 0);
      const before = { frontend: cpuOf('frontend'), actors: cpuOf('actors'), nats: cpuSeconds(nats.child.pid ?? 0) };
      const r = await runWrk({ url, requests, connections, durationSeconds: duration });
      const ok = Math.max(1, r.requests - r.non2xx);
      const us = (s: number): number => (s * 1e6) / ok;
      return {
        label,
        rps: r.requestsPerSecond,
        p50: r.p50Us / 1000,
        p99: r.p99Us / 1000,
        errors: r.errors,
        cpu: { frontend: us(cpuOf('frontend') - before.frontend), actors: us(cpuOf('actors') - before.actors), nats: us(cpuSeconds(nats.child.pid ?? 0) - before.nats) },
      };
    };
    const one = await phase('1 frontend + 1 actor host');
    await start('frontend-2', 'frontend');
    const a2 = await start('actors-2', 'actors');
    // Wait until the second host holds its share.
    for (let i = 0; i < 100; i++) {
      const m = await (await fetch(`${a2.url}/metrics`)).text();
      if (/portcullis_shards_owned\{kind="token"\} [1-9]/.test(m)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const two = await phase('2 frontends + 2 actor hosts');
    console.log('\nscale: token + introspect (1:1), wrk', `${connections} connections, ${duration} s`);
    console.log('processes                     req/s    p50 ms  p99 ms  errors  cpu µs/req: frontend  actors  nats');
    for (const p of [one, two]) {
      console.log(`${p.label.padEnd(28)} ${p.rps.toFixed(0).padStart(6)}  ${p.p50.toFixed(2).padStart(6)}  ${p.p99.toFixed(2).padStart(6)}  ${String(p.errors).padStart(6)}  ${p.cpu.frontend.toFixed(0).padStart(19)}  ${p.cpu.actors.toFixed(0).padStart(6)}  ${p.cpu.nats.toFixed(0).padStart(4)}`);
    }
    console.log(`\nthroughput 2+2 / 1+1 = ${(two.rps / one.rps).toFixed(2)}× on this ${(await import('node:os')).availableParallelism()}-core box (CPU-bound: every process shares the same cores)`);
    const per = two.cpu.frontend + two.cpu.actors + two.cpu.nats;
    console.log(`CPU per request, all processes: ${per.toFixed(0)} µs (frontend ${two.cpu.frontend.toFixed(0)}, actors ${two.cpu.actors.toFixed(0)}, nats ${two.cpu.nats.toFixed(0)})`);
    console.log('projection, one core per process, N frontends and N actor hosts on their own cores, one NATS node:');
    for (const n of [1, 2, 4, 8]) {
      const fe = (n * 1e6) / Math.max(1, two.cpu.frontend);
      const ac = (n * 1e6) / Math.max(1, two.cpu.actors);
      const na = 1e6 / Math.max(1, two.cpu.nats);
      console.log(`  N=${n}: ≈ ${Math.min(fe, ac, na).toFixed(0)} req/s (frontends ${fe.toFixed(0)}, actors ${ac.toFixed(0)}, one NATS core ${na.toFixed(0)})`);
    }
    console.log('assumptions: per-request CPU stays as measured with 2+2 (remote actor calls over NATS); processes scale linearly until one');
    console.log('NATS core is the limit (a cluster spreads streams over nodes, but R3 replicates every KV write to 3 nodes); no network latency.');
  } finally {
    for (const p of procs.reverse()) await p.stop().catch(() => undefined);
    await nats.stop();
  }
}
