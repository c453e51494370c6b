// The chaos scenario (issue 7): frontends and actor hosts as separate processes on a 3-node NATS
// cluster, token + introspection load, `kill -9` of an actor host and then of a NATS node while load
// runs. Bounded in time and request count; stops by itself. Used by test/cluster/chaos.test.ts (short
// form) and `npm run bench -- chaos` (long form).
import { createHash } from 'node:crypto';
import { shardOf } from '../../../src/actors/index.js';
import { type BusConnection, buckets, connectBus } from '../../../src/bus/index.js';
import { type NatsCluster, startNatsCluster } from '../../helpers/nats-cluster.js';
import { type ServeProcess, serveProcess, waitFor200 } from './processes.js';

export interface ChaosOptions {
  frontends: number;
  actorHosts: number;
  /** Concurrent load loops (each: mint a token, introspect it). */
  concurrency: number;
  /** Load before the first kill, ms. */
  warmupMs: number;
  /** Load after each kill before the next step, ms (recovery is measured inside it). */
  afterKillMs: number;
  /** Upper bound on tokens minted by the load. */
  maxTokens: number;
  /** Client-side deadline of one request, ms; a request still open then counts as hung. */
  deadlineMs: number;
  /** Server-side request deadline (PORTCULLIS_REQUEST_TIMEOUT_MS). */
  serverTimeoutMs: number;
  leaseTtlMs: number;
  shards: number;
  log?: (line: string) => void;
}

export const shortChaos: ChaosOptions = {
  frontends: 2,
  actorHosts: 3,
  concurrency: 6,
  warmupMs: 2500,
  afterKillMs: 7000,
  maxTokens: 2500,
  deadlineMs: 8000,
  serverTimeoutMs: 3000,
  leaseTtlMs: 2000,
  shards: 16,
};

export interface RequestOutcome {
  kind: 'token' | 'introspect';
  status: number;
  /** error code of a non-200 answer, or a transport failure's message */
  error?: string;
  retryAfter?: boolean;
  ms: number;
  hung: boolean;
  at: number;
}

export interface ChaosReport {
  requests: number;
  byStatus: Record<string, number>;
  /** Requests that were neither a success nor a clean 503 (status, error), first few. */
  unclean: RequestOutcome[];
  hung: number;
  maxMs: number;
  tokensMinted: number;
  singleUseTokens: number;
  /** Single-use tokens that introspected active more than once (must be 0). */
  singleUseActiveTwice: number;
  /** Tokens answered 200 at /token that do not introspect active afterwards (must be 0). */
  lostTokens: number;
  /** 200 introspections of a live, non-single-use token that said active:false during the load. */
  inactiveDuringLoad: number;
  /** ms from the kill until every shard the actor host owned answers again. */
  actorHostRecoveryMs: number;
  /** ms from the kill until every token shard answers again after the NATS node died (reads). */
  natsNodeRecoveryMs: number;
  /** ms from the NATS node's death until a token can be minted again (a durable R3 write), -1 past the bound. */
  natsNodeWriteRecoveryMs: number;
  /** ms from each kill until the next successful request through the load. */
  firstSuccessAfterActorKillMs: number;
  firstSuccessAfterNatsKillMs: number;
  /** ms from the NATS node's death until the next token was minted (a durable R3 write). */
  firstMintAfterNatsKillMs: number;
  killedActorHost: string;
  killedNatsNode: string;
  durationMs: number;
}

interface Creds {
  id: string;
  secret: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const basic = (c: Creds): string => `Basic ${Buffer.from(`${encodeURIComponent(c.id)}:${encodeURIComponent(c.secret)}`).toString('base64')}`;
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

class Load {
  readonly outcomes: RequestOutcome[] = [];
  constructor(readonly deadlineMs: number) {}

  async post(kind: 'token' | 'introspect', url: string, auth: string, form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> } | undefined> {
    const t0 = performance.now();
    const at = Date.now();
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: auth },
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.timeout(this.deadlineMs),
      });
      const text = await res.text();
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      const ms = performance.now() - t0;
      const o: RequestOutcome = { kind, status: res.status, ms, hung: false, at, retryAfter: res.headers.has('retry-after') };
      if (res.status !== 200) o.error = String(body.error ?? '');
      this.outcomes.push(o);
      return { status: res.status, body };
    } catch (err) {
      const ms = performance.now() - t0;
      const hung = (err as Error).name === 'TimeoutError';
      this.outcomes.push({ kind, status: 0, error: (err as Error).message, ms, hung, at });
      return undefined;
    }
  }
}

/** Admin call on a frontend; throws unless the status is the expected one. */
async function admin(url: string, key: string, path: string, body: unknown, expect = 201): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== expect) throw new Error(`POST ${path}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const log = opts.log ?? (() => undefined);
  const started = Date.now();
  const adminKey = createHash('sha256').update(String(Math.random())).digest('base64url');
  const cluster: NatsCluster = await startNatsCluster();
  const procs: ServeProcess[] = [];
  let bus: BusConnection | undefined;
  try {
    const env = {
      PORTCULLIS_ADMIN_KEY: adminKey,
      PORTCULLIS_POLICY_WORKERS: '1',
      PORTCULLIS_SHARDS: String(opts.shards),
      PORTCULLIS_LEASE_TTL_MS: String(opts.leaseTtlMs),
      PORTCULLIS_LEASE_RENEW_MS: String(Math.floor(opts.leaseTtlMs / 4)),
      PORTCULLIS_REQUEST_TIMEOUT_MS: String(opts.serverTimeoutMs),
      PORTCULLIS_KV_TIMEOUT_MS: String(Math.min(2000, opts.serverTimeoutMs)),
      PORTCULLIS_REPLICAS: '0',
    };
    const actorNames = Array.from({ length: opts.actorHosts }, (_, i) => `actors-${i + 1}`);
    const frontendNames = Array.from({ length: opts.frontends }, (_, i) => `frontend-${i + 1}`);
    // Each process lists the cluster's nodes in its own order so connections spread over the nodes.
    const urlsFor = (i: number): string => {
      const u = cluster.nodes.map((n) => n.url);
      return [...u.slice(i % u.length), ...u.slice(0, i % u.length)].join(',');
    };
    const started1 = await Promise.all([
      ...actorNames.map((name, i) => serveProcess({ name, role: 'actors', natsUrl: urlsFor(i), env })),
      ...frontendNames.map((name, i) => serveProcess({ name, role: 'frontend', natsUrl: urlsFor(i + 1), env })),
    ]);
    procs.push(...started1);
    const actors = procs.filter((p) => p.role === 'actors');
    const frontends = procs.filter((p) => p.role === 'frontend');
    await Promise.all(actors.map((a) => waitFor200(`${a.url}/readyz`, 30_000)));
    log(`chaos: ${actors.length} actor hosts and ${frontends.length} frontends ready on a ${cluster.nodes.length}-node cluster after ${Date.now() - started} ms`);
    bus = await connectBus({ servers: cluster.urls, name: 'chaos-observer' });

    // The world: several clients (spreading client shards), one single-use client, one resource server.
    const f0 = frontends[0]?.url as string;
    await admin(f0, adminKey, '/admin/resource-types', { name: 'api', scopes: ['read', 'write'] });
    const rsBody = await admin(f0, adminKey, '/admin/clients', { client_id: 'orders-rs-client' });
    const rs: Creds = { id: 'orders-rs-client', secret: rsBody.client_secret as string };
    await admin(f0, adminKey, '/admin/resource-servers', { id: 'orders-rs', client_id: rs.id, resource: 'https://orders.example' });
    const clients: Creds[] = [];
    for (let i = 0; i < 6; i++) {
      const id = `app-${i}`;
      const c = await admin(f0, adminKey, '/admin/clients', { client_id: id });
      await admin(f0, adminKey, '/admin/entitlements', { id, client_id: id, scopes: ['read', 'write'], resource_types: ['api'] });
      clients.push({ id, secret: c.client_secret as string });
    }
    const jit: Creds[] = [];
    for (let i = 0; i < 2; i++) {
      const id = `once-${i}`;
      const c = await admin(f0, adminKey, '/admin/clients', { client_id: id });
      await admin(f0, adminKey, '/admin/entitlements', { id, client_id: id, scopes: ['read'], resource_types: ['api'], jit_single_use: true });
      jit.push({ id, secret: c.client_secret as string });
    }
    const tokenForm = (scope: string): Record<string, string> => ({ grant_type: 'client_credentials', scope, resource: 'https://orders.example', resource_type: 'api' });
    // Policy data reaches every actor host by its KV watch: wait until each client can mint.
    const setup = new Load(opts.deadlineMs);
    for (const c of [...clients, ...jit]) {
      const until = Date.now() + 15_000;
      for (;;) {
        const r = await setup.post('token', `${f0}/token`, basic(c), tokenForm('read'));
        if (r?.status === 200) break;
        if (Date.now() > until) throw new Error(`client ${c.id} cannot mint: ${JSON.stringify(r?.body)}`);
        await sleep(100);
      }
    }

    const load = new Load(opts.deadlineMs);
    const minted: { token: string; singleUse: boolean }[] = [];
    const activeCount = new Map<string, number>();
    let stopLoad = false;
    let seq = 0;
    const loop = async (w: number): Promise<void> => {
      while (!stopLoad && minted.length < opts.maxTokens) {
        const n = seq++;
        const singleUse = n % 5 === 0;
        const c = singleUse ? (jit[n % jit.length] as Creds) : (clients[n % clients.length] as Creds);
        const fe = frontends[(n + w) % frontends.length] as ServeProcess;
        const tok = await load.post('token', `${fe.url}/token`, basic(c), tokenForm(singleUse ? 'read' : 'read write'));
        if (tok?.status !== 200) {
          if (tok === undefined || tok.status === 503) await sleep(50);
          continue;
        }
        const token = tok.body.access_token as string;
        minted.push({ token, singleUse });
        // Single-use tokens are introspected three times at once, through different frontends.
        const tries = singleUse ? 3 : 1;
        await Promise.all(
          Array.from({ length: tries }, async (_, k) => {
            const f2 = frontends[(n + k) % frontends.length] as ServeProcess;
            const r = await load.post('introspect', `${f2.url}/introspect`, basic(rs), { token, rs_context: JSON.stringify({ action: 'read' }) });
            if (r?.status !== 200) return;
            if (r.body.active === true) activeCount.set(token, (activeCount.get(token) ?? 0) + 1);
            else if (!singleUse) inactiveDuringLoad++;
          }),
        );
      }
    };
    let inactiveDuringLoad = 0;
    const loops = Promise.all(Array.from({ length: opts.concurrency }, (_, w) => loop(w)));
    const firstSuccessAfter = (t: number, kind?: RequestOutcome['kind']): number => {
      const ok = load.outcomes.filter((o) => o.status === 200 && o.at >= t && (!kind || o.kind === kind)).sort((a, b) => a.at + a.ms - (b.at + b.ms))[0];
      return ok ? Math.round(ok.at + ok.ms - t) : -1;
    };

    await sleep(opts.warmupMs);

    // Kill -9 the actor host that owns the most token shards; probe tokens of those shards until all answer.
    const owners = await tokenShardOwners(bus, opts.shards);
    const victim = actors.reduce((best, a) => ((owners.get(a.name)?.size ?? 0) > (owners.get(best.name)?.size ?? 0) ? a : best), actors[0] as ServeProcess);
    const movedShards = owners.get(victim.name) ?? new Set<number>();
    const probesA = pickProbes(minted, movedShards, opts.shards);
    log(`chaos: kill -9 ${victim.name} (pid ${victim.pid}, ${movedShards.size} token shards, ${probesA.length} probe tokens) after ${minted.length} tokens`);
    const killA = Date.now();
    await victim.kill();
    const actorHostRecoveryMs = await recoveryTime(probesA, frontends[0] as ServeProcess, rs, killA, opts.afterKillMs);
    log(`chaos: moved shards answer again ${actorHostRecoveryMs} ms after the kill`);
    await sleep(Math.max(0, killA + opts.afterKillMs - Date.now()));

    // Kill -9 the NATS node leading the tokens bucket's stream.
    const leader = await streamLeader(bus, `KV_${buckets.tokens}`);
    const node = cluster.nodes.find((n) => n.name === leader) ?? (cluster.nodes[0] as NatsCluster['nodes'][number]);
    const probesN = pickProbes(minted, new Set(Array.from({ length: opts.shards }, (_, i) => i)), opts.shards);
    log(`chaos: kill -9 NATS node ${node.name} (leader of KV_${buckets.tokens}) after ${minted.length} tokens`);
    const killN = Date.now();
    await node.kill();
    const [natsNodeRecoveryMs, natsNodeWriteRecoveryMs] = await Promise.all([
      recoveryTime(probesN, frontends[frontends.length - 1] as ServeProcess, rs, killN, opts.afterKillMs),
      mintRecoveryTime(frontends[0] as ServeProcess, clients[0] as Creds, tokenForm('read'), killN, opts.afterKillMs + 15_000),
    ]);
    log(`chaos: every token shard answers again ${natsNodeRecoveryMs} ms after the NATS node died; tokens are minted again after ${natsNodeWriteRecoveryMs} ms`);
    await sleep(Math.max(0, killN + opts.afterKillMs - Date.now()));
    stopLoad = true;
    await loops;

    // Afterwards: every token answered 200 introspects active (single-use ones: consumed at most once).
    let lostTokens = 0;
    const check = new Load(opts.deadlineMs);
    const live = minted.filter((m) => !m.singleUse);
    for (let i = 0; i < live.length; i += 32) {
      await Promise.all(
        live.slice(i, i + 32).map(async (m, k) => {
          const fe = frontends[k % frontends.length] as ServeProcess;
          for (let attempt = 0; ; attempt++) {
            const r = await check.post('introspect', `${fe.url}/introspect`, basic(rs), { token: m.token });
            if (r?.status === 200) {
              if (r.body.active !== true) lostTokens++;
              return;
            }
            if (attempt >= 5) {
              lostTokens++;
              return;
            }
            await sleep(200);
          }
        }),
      );
    }
    // Single-use tokens once more, after the failures: still at most one active answer each, ever.
    const singleUse = minted.filter((m) => m.singleUse);
    for (let i = 0; i < singleUse.length; i += 32) {
      await Promise.all(
        singleUse.slice(i, i + 32).map(async (m, k) => {
          const fe = frontends[k % frontends.length] as ServeProcess;
          const r = await check.post('introspect', `${fe.url}/introspect`, basic(rs), { token: m.token, rs_context: JSON.stringify({ action: 'read' }) });
          if (r?.status === 200 && r.body.active === true) activeCount.set(m.token, (activeCount.get(m.token) ?? 0) + 1);
        }),
      );
    }
    const outcomes = load.outcomes;
    const byStatus: Record<string, number> = {};
    for (const o of outcomes) byStatus[String(o.status)] = (byStatus[String(o.status)] ?? 0) + 1;
    const unclean = outcomes.filter((o) => !(o.status === 200 || (o.status === 503 && o.error === 'temporarily_unavailable' && o.retryAfter)));
    return {
      requests: outcomes.length,
      byStatus,
      unclean: unclean.slice(0, 10),
      hung: outcomes.filter((o) => o.hung).length,
      maxMs: Math.round(Math.max(0, ...outcomes.map((o) => o.ms))),
      tokensMinted: minted.length,
      singleUseTokens: singleUse.length,
      singleUseActiveTwice: singleUse.filter((m) => (activeCount.get(m.token) ?? 0) > 1).length,
      lostTokens,
      inactiveDuringLoad,
      actorHostRecoveryMs,
      natsNodeRecoveryMs,
      natsNodeWriteRecoveryMs,
      firstSuccessAfterActorKillMs: firstSuccessAfter(killA),
      firstSuccessAfterNatsKillMs: firstSuccessAfter(killN),
      firstMintAfterNatsKillMs: firstSuccessAfter(killN, 'token'),
      killedActorHost: victim.name,
      killedNatsNode: node.name,
      durationMs: Date.now() - started,
    };
  } finally {
    await bus?.close().catch(() => undefined);
    await Promise.all(procs.map((p) => p.stop(3000).catch(() => undefined)));
    await cluster.stop();
  }
}

/** Which actor host holds each token shard's lease now. */
async function tokenShardOwners(bus: BusConnection, shards: number): Promise<Map<string, Set<number>>> {
  const kv = await bus.kvm.open(buckets.leases);
  const out = new Map<string, Set<number>>();
  for (let s = 0; s < shards; s++) {
    const e = await kv.get(`token.${s}`);
    if (!e || e.operation !== 'PUT') continue;
    const v = JSON.parse(new TextDecoder().decode(e.value)) as { host: string };
    const set = out.get(v.host) ?? new Set<number>();
    set.add(s);
    out.set(v.host, set);
  }
  return out;
}

async function streamLeader(bus: BusConnection, stream: string): Promise<string | undefined> {
  const info = await bus.jsm.streams.info(stream);
  return info.cluster?.leader;
}

/** One minted non-single-use token per shard in `shards` (those minted so far). */
function pickProbes(minted: { token: string; singleUse: boolean }[], shards: Set<number>, total: number): string[] {
  const byShard = new Map<number, string>();
  for (const m of minted) {
    if (m.singleUse) continue;
    const s = shardOf(sha256(m.token), total);
    if (shards.has(s) && !byShard.has(s)) byShard.set(s, m.token);
  }
  return [...byShard.values()];
}

/** Introspects every probe token until each has answered active once; ms since `since`, or -1 past `limitMs`. */
async function recoveryTime(probes: string[], fe: ServeProcess, rs: Creds, since: number, limitMs: number): Promise<number> {
  const pending = new Set(probes);
  const probe = new Load(2000);
  while (pending.size > 0) {
    if (Date.now() - since > limitMs) return -1;
    await Promise.all(
      [...pending].map(async (token) => {
        const r = await probe.post('introspect', `${fe.url}/introspect`, basic(rs), { token });
        if (r?.status === 200 && r.body.active === true) pending.delete(token);
      }),
    );
    if (pending.size > 0) await sleep(25);
  }
  return Date.now() - since;
}

/** Mints until one succeeds; ms since `since`, or -1 past `limitMs`. */
async function mintRecoveryTime(fe: ServeProcess, client: Creds, form: Record<string, string>, since: number, limitMs: number): Promise<number> {
  const probe = new Load(5000);
  while (Date.now() - since <= limitMs) {
    const r = await probe.post('token', `${fe.url}/token`, basic(client), form);
    if (r?.status === 200) return Date.now() - since;
    await sleep(50);
  }
  return -1;
}
