// Wires one Portcullis process: connect to NATS, provision buckets and streams, start the policy
// pool, the actor host (client and token actors) and the HTTP frontend; stop them in reverse order.
// `config.role` picks the parts: `frontend` (HTTP, no pool or shards), `actors` (pool and shards, HTTP
// only for probes and metrics) or `all`.
import {
  ActorHost,
  ActorRouter,
  ClientActor,
  ClientAdmin,
  Decider,
  type DecisionPool,
  entrypoints,
  PolicyDataAdmin,
  PolicyDataView,
  RecordStore,
  RegistrationService,
  TokenActor,
  TokenEvents,
  TokenService,
} from '../actors/index.js';
import { type BusConnection, JetStreamPipeline, KvStore, buckets, connectBus, provision } from '../bus/index.js';
import type { Config } from '../config/index.js';
import {
  type Frontend,
  type FrontendContext,
  FrontendMetrics,
  Gauge,
  Histogram,
  type Readiness,
  TokenStreamService,
  latencyBuckets,
  startFrontend,
} from '../frontend/index.js';
import { randomBytes } from 'node:crypto';
import {
  BoundedFetcher,
  ClientIdMetadataDocuments,
  type ClientRecord,
  DpopNonces,
  ExpiringCache,
  JwksCache,
  type TokenRecord,
  openReplayStore,
} from '../oauth/index.js';
import { type PolicyBundle, compilePolicyDir, createPolicyPool, defaultPolicyDir, pbacEntrypoints } from '../policy/index.js';

/** A pool as the server drives it (src/policy's PolicyPool, or a stand-in in tests). */
export interface ServerPool extends DecisionPool {
  close(): Promise<void>;
  metrics?(): { queueDepth: number; inFlight: number; activeVersion: string; workers: number };
}

export interface ServerOptions {
  /** Use this bundle instead of compiling policies at start. */
  bundle?: PolicyBundle;
  /** Use this pool (tests); the server closes it on stop. */
  pool?: ServerPool;
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  config: Config;
  bus: BusConnection;
  /** The actor host (roles `actors` and `all`). */
  host: ActorHost | undefined;
  router: ActorRouter;
  policyData: PolicyDataView;
  /** Replicas the buckets and streams were provisioned with (config.replicas, or detected when 0). */
  replicas: number;
  /** Graceful stop: stop listening, hand shards back, close the pool and the connection. */
  stop(): Promise<void>;
  /** Stops without handing shards back (a crash as far as other hosts can tell). */
  crash(): Promise<void>;
}

async function startPool(config: Config, opts: ServerOptions): Promise<ServerPool> {
  if (opts.pool) return opts.pool;
  // The register entrypoint (issue 6) is compiled beside the token service's own.
  const bundle = opts.bundle ?? (await compilePolicyDir(config.policyDir ?? defaultPolicyDir(), [...pbacEntrypoints, entrypoints.register]));
  return createPolicyPool({ bundle, workers: config.policyWorkers });
}

export async function startServer(config: Config, opts: ServerOptions = {}): Promise<RunningServer> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const bus = await connectBus({ servers: config.natsUrl, name: `portcullis-${config.hostId}`, timeoutMs: config.kvTimeoutMs });
  // Stop steps, newest first; `crash` skips the graceful hand-back of shards.
  const cleanup: { name: string; run: () => Promise<void> | void }[] = [{ name: 'bus', run: () => bus.close() }];
  const onStop = (name: string, run: () => Promise<void> | void): void => {
    cleanup.unshift({ name, run });
  };
  try {
    const replicas = config.replicas > 0 ? config.replicas : automaticReplicas(bus);
    const kvs = await provision(bus, { replicas, tokensMaxAgeMs: (config.maxTokenTtl + 3600) * 1000, tokenEventsMaxAgeMs: config.tokenEventsMaxAgeMs });
    const pipeline = new JetStreamPipeline(bus, { timeoutMs: config.kvTimeoutMs, maxInFlight: config.maxWritesInFlight });
    onStop('pipeline', () => pipeline.close());
    const clientKv = new KvStore<ClientRecord>(buckets.clients, kvs[buckets.clients], pipeline);
    const tokenKv = new KvStore<TokenRecord>(buckets.tokens, kvs[buckets.tokens], pipeline);
    const policyKv = new KvStore<unknown>(buckets.policyData, kvs[buckets.policyData], pipeline);
    // Issue 6: one-time jtis shared by every host; bounded outbound fetches (jwks_uri, client_id URLs).
    const replay = await openReplayStore(bus, { replicas, maxAgeMs: config.replayMaxAgeMs, pipeline });
    const fetcher = new BoundedFetcher({
      allowlist: (config.fetchAllowlist ?? '').split(',').map((x) => x.trim()).filter((x) => x !== ''),
      allowHttp: config.fetchAllowHttp,
      maxBytes: config.fetchMaxBytes,
      timeoutMs: config.fetchTimeoutMs,
      maxInFlight: config.fetchMaxInFlight,
    });
    const keys = new JwksCache(fetcher);
    const cimd = new ClientIdMetadataDocuments({ fetcher });
    const nonces = new DpopNonces({ secret: config.dpopNonceSecret !== undefined ? Buffer.from(config.dpopNonceSecret) : randomBytes(32) });

    const runsActors = config.role !== 'frontend';
    const pool = runsActors ? await startPool(config, opts) : undefined;
    if (pool) onStop('pool', () => pool.close());
    else await opts.pool?.close();
    const policyData = new PolicyDataView(bus, policyKv, pool, config.defaultTokenTtl);
    await policyData.start();
    onStop('policy-data', () => policyData.stop());

    const metrics = new FrontendMetrics();
    const decisions = metrics.registry.add(
      new Histogram('portcullis_policy_decision_duration_seconds', 'Policy decision latency (queueing included) by phase and outcome.', latencyBuckets),
    );
    const router = new ActorRouter(bus, { shards: config.shards, timeoutMs: config.requestTimeoutMs });
    const clientStore = new RecordStore(clientKv, config.clientCacheEntries, config.shards);
    const tokenStore = new RecordStore(tokenKv, config.tokenCacheEntries, config.shards);
    const events = new TokenEvents(pipeline);
    const decider = pool ? new Decider(pool, (phase, outcome, us) => decisions.observe({ phase, outcome }, us / 1e6)) : undefined;
    const host = pool && decider ? new ActorHost({
      bus,
      leasesKv: kvs[buckets.leases],
      hostId: config.hostId,
      shards: config.shards,
      leaseTtlMs: config.leaseTtlMs,
      leaseRenewMs: config.leaseRenewMs,
      behaviors: {
        client: new ClientActor({
          store: clientStore,
          router,
          decider,
          policyData,
          defaultTtl: config.defaultTokenTtl,
          maxTtl: config.maxTokenTtl,
          issuer: config.issuer,
          assertions: { keys, replay, maxLifetimeSec: config.assertionMaxLifetimeSec },
          cimd: { documents: cimd, allowHttp: config.fetchAllowHttp },
        }),
        token: new TokenActor({ store: tokenStore, decider, events, issuer: config.issuer, rsProofs: { replay, maxAgeSec: config.dpopMaxAgeSec } }),
      },
      onError: (err) => log(`portcullis: actor error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
    }) : undefined;
    router.attach(host);
    if (host) {
      await host.start();
      onStop('host', () => host.stop());
    }

    const clients = new ClientAdmin(router, clientKv);
    const readiness = (): Readiness => {
      const checks: Readiness['checks'] = { nats: { ok: bus.isConnected() } };
      if (host) {
        const cov = host.coverage();
        checks.shards = { ok: cov.covered === cov.total, detail: `${cov.covered}/${cov.total} owned, ${host.ownedCount()} here` };
      }
      checks.policy = { ok: policyData.lastError === undefined, detail: pool ? (pool.metrics?.().activeVersion ?? 'loaded') : 'data only (frontend role)' };
      return { ready: Object.values(checks).every((c) => c.ok), checks };
    };
    addGauges(metrics, host, router, pipeline, events, pool, clientStore, tokenStore);
    const ctx: FrontendContext = {
      config,
      tokens: new TokenService(router),
      clients,
      policyData: new PolicyDataAdmin(policyKv, clients, policyData),
      readiness,
      metrics,
      protocol: {
        replay,
        nonces,
        requireNonce: config.dpopRequireNonce,
        dpopMaxAgeSec: config.dpopMaxAgeSec,
        proofKeys: new ExpiringCache(10_000),
        keys,
        trustedIssuers: () => policyData.softwareStatementIssuers(),
        initialAccessToken: config.registrationInitialAccessToken,
        registrations: new RegistrationService(router),
      },
      streams: new TokenStreamService(bus, router, policyData),
      logError: (err) => log(`portcullis: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
    };
    const frontend: Frontend = await startFrontend(ctx, { probesOnly: config.role === 'actors' });
    onStop('frontend', () => frontend.close());

    const runSteps = async (skip: string[]): Promise<void> => {
      for (const step of cleanup.splice(0)) if (!skip.includes(step.name)) await Promise.resolve(step.run()).catch(() => undefined);
    };
    return {
      url: frontend.url,
      port: frontend.port,
      config,
      bus,
      host,
      router,
      policyData,
      replicas,
      stop: () => runSteps([]),
      async crash() {
        host?.crash();
        await runSteps(['host']);
      },
    };
  } catch (err) {
    for (const step of cleanup) await Promise.resolve(step.run()).catch(() => undefined);
    throw err;
  }
}

/**
 * Replicas when none is configured: 3 (capped by the servers the cluster advertises) when the NATS
 * server is part of a cluster, 1 when it runs alone.
 */
function automaticReplicas(bus: BusConnection): number {
  const info = bus.nc.info;
  if (!info?.cluster) return 1;
  return Math.max(1, Math.min(3, info.connect_urls?.length ?? 3));
}

function addGauges(
  metrics: FrontendMetrics,
  host: ActorHost | undefined,
  router: ActorRouter,
  pipeline: JetStreamPipeline,
  events: TokenEvents,
  pool: ServerPool | undefined,
  clientStore: RecordStore<ClientRecord>,
  tokenStore: RecordStore<TokenRecord>,
): void {
  const r = metrics.registry;
  if (host) {
    r.add(new Gauge('portcullis_shards_owned', 'Shards this process owns, by actor kind.', () => (['client', 'token'] as const).map((kind) => ({ labels: { kind }, value: host.ownedCount(kind) }))));
    r.add(new Gauge('portcullis_shards_covered', 'Shards (all kinds) with a live owner.', () => [{ value: host.coverage().covered }]));
    r.add(new Gauge('portcullis_actor_hosts_live', 'Live actor hosts seen in the leases bucket.', () => [{ value: host.liveHosts }]));
  }
  r.add(
    new Gauge('portcullis_actor_calls', 'Actor calls since start, in process or over NATS.', () => [
      { labels: { path: 'local' }, value: router.localCalls },
      { labels: { path: 'remote' }, value: router.remoteCalls },
    ]),
  );
  r.add(new Gauge('portcullis_kv_writes_in_flight', 'Pipelined JetStream writes awaiting acknowledgement.', () => [{ value: pipeline.inFlight }]));
  r.add(
    new Gauge('portcullis_token_events', 'Token events published and failed since start.', () => [
      { labels: { result: 'published' }, value: events.published },
      { labels: { result: 'failed' }, value: events.failed },
    ]),
  );
  r.add(
    new Gauge('portcullis_policy_pool', 'Policy pool queue depth, decisions in flight and workers.', () => {
      const m = pool?.metrics?.();
      return m
        ? [
            { labels: { what: 'queue_depth' }, value: m.queueDepth },
            { labels: { what: 'in_flight' }, value: m.inFlight },
            { labels: { what: 'workers' }, value: m.workers },
          ]
        : [];
    }),
  );
  r.add(
    new Gauge('portcullis_record_cache', 'Actor record caches: entries, hits and misses since start.', () => [
      { labels: { kind: 'client', what: 'entries' }, value: clientStore.cached },
      { labels: { kind: 'client', what: 'hits' }, value: clientStore.hits },
      { labels: { kind: 'client', what: 'misses' }, value: clientStore.misses },
      { labels: { kind: 'token', what: 'entries' }, value: tokenStore.cached },
      { labels: { kind: 'token', what: 'hits' }, value: tokenStore.hits },
      { labels: { kind: 'token', what: 'misses' }, value: tokenStore.misses },
    ]),
  );
}
