// Wires one Portcullis process: connect to NATS, provision buckets and streams, start the policy
// pool, the actor host (client and token actors) and the HTTP frontend; stop them in reverse order.
// `config.role` picks the parts: `frontend` (HTTP, no pool or shards), `actors` (pool and shards, HTTP
// only for probes and metrics) or `all`.
import {
  ActorHost,
  ActorRouter,
  LeaseCoverage,
  ClientActor,
  ClientAdmin,
  Decider,
  type DecisionPool,
  PolicyDataAdmin,
  PolicyDataView,
  RecordStore,
  RegistrationService,
  TokenActor,
  TokenService,
  shardOf,
} from '../actors/index.js';
import { AuditLog } from '../audit/index.js';
import { type BusConnection, JetStreamPipeline, KvStore, actorKinds, buckets, connectBus, provision } from '../bus/index.js';
import { OwnerExpiryAnnouncer, TokenEventPublisher } from '../events/index.js';
import { type Config, defaultIssuer } from '../config/index.js';
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
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import {
  BoundedFetcher,
  ClientIdMetadataDocuments,
  type ClientRecord,
  DpopNonces,
  ExpiringCache,
  JwksCache,
  type TokenRecord,
  tokenRecordCodec,
  openReplayStore,
} from '../oauth/index.js';
import { type PolicyBundle, PolicyError, createPolicyPool, defaultPolicyDir } from '../policy/index.js';
import { PolicyBundleWatcher, PolicyStore, type SwappablePool, bundleVersion, definedPaths, optionalEntrypoints, requiredEntrypoints, startupBundle } from '../policy/store/index.js';
import { type Bundle, bundleWasm } from '../rego/bundle/index.js';

/** A pool as the server drives it (src/policy's PolicyPool, or a stand-in in tests). */
export interface ServerPool extends DecisionPool {
  close(): Promise<void>;
  metrics?(): { queueDepth: number; inFlight: number; activeVersion: string; workers: number };
}

export interface ServerOptions {
  /** Start with this bundle instead of the store's active version (the store is still watched). */
  bundle?: PolicyBundle;
  /** Use this pool (tests); the server closes it on stop, and leaves its version to the caller (no watcher). */
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
  /** The policy store and this host's watcher of its active version (roles `actors` and `all`, own pool). */
  policyStore: PolicyStore | undefined;
  policyWatcher: PolicyBundleWatcher | undefined;
  /** The decision audit log (a no-op when `auditEnabled` is false). */
  audit: AuditLog;
  /** Graceful stop: stop listening, hand shards back, close the pool and the connection. */
  stop(): Promise<void>;
  /** Stops without handing shards back (a crash as far as other hosts can tell). */
  crash(): Promise<void>;
}

async function startPool(config: Config, opts: ServerOptions, store: PolicyStore | undefined, log: (line: string) => void): Promise<ServerPool> {
  if (opts.pool) return opts.pool;
  let bundle: PolicyBundle;
  if (opts.bundle) bundle = opts.bundle;
  else if (store) bundle = await startupBundle(store, () => publishDefaultPolicy(config, store, log), log);
  else bundle = (await defaultPolicy(config)).policy;
  return createPolicyPool({ bundle, workers: config.policyWorkers, policyTimeoutMs: config.policyTimeoutMs });
}

/** The default policy (config.policyDir, else policies/pbac) compiled now, as a bundle and as the pool takes it. */
async function defaultPolicy(config: Config): Promise<{ bundle: Bundle; policy: PolicyBundle }> {
  const dir = config.policyDir ?? defaultPolicyDir();
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.rego') && !f.endsWith('_test.rego'))
    .sort()
    .map((f) => ({ path: f, source: readFileSync(join(dir, f), 'utf8') }));
  if (files.length === 0) throw new PolicyError('policy_load_error', `no .rego files in ${dir}`);
  const dataFile = join(dir, 'data.json');
  const data = (existsSync(dataFile) ? JSON.parse(readFileSync(dataFile, 'utf8')) : {}) as Record<string, unknown>;
  // Every phase the sources define (register, authorize) is compiled beside the token service's own.
  const defined = definedPaths(files);
  const entrypoints = [...requiredEntrypoints, ...optionalEntrypoints.filter((e) => defined.has(e))];
  const { buildBundle, formatDiagnostic } = await import('../rego/index.js');
  const { bundle, diagnostics } = buildBundle({ files, entrypoints, data, regoVersion: 1 });
  if (!bundle) throw new PolicyError('policy_load_error', `compiling ${dir} failed:\n${diagnostics.map((d) => formatDiagnostic(d)).join('\n')}`);
  return { bundle, policy: { wasm: bundleWasm(bundle), data: bundle.data, version: bundleVersion(bundle) } };
}

/**
 * The starting bundle when the store names none: the default policy, published as the first version so
 * every host runs it by its store version (hosts starting together publish the same content, one version).
 */
async function publishDefaultPolicy(config: Config, store: PolicyStore, log: (line: string) => void): Promise<PolicyBundle> {
  const { bundle, policy } = await defaultPolicy(config);
  try {
    const { record } = await store.publish(bundle, { who: `portcullis-${config.hostId}` });
    return { ...policy, version: record.version };
  } catch (err) {
    log(`portcullis: cannot publish the default policy as the first version: ${(err as Error).message}`);
    return policy;
  }
}

/**
 * With port 0 the default issuer would say ":0": pick the port before anything captures the issuer (the
 * actors take it at construction, before the frontend listens). A port taken in between fails the listen.
 */
async function withBoundPort(config: Config): Promise<Config> {
  if (config.port !== 0 || config.issuer !== defaultIssuer(config.host, 0)) return config;
  const port = await new Promise<number>((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, config.host, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  return { ...config, port, issuer: defaultIssuer(config.host, port) };
}

export async function startServer(given: Config, opts: ServerOptions = {}): Promise<RunningServer> {
  const config = await withBoundPort(given);
  const log = opts.log ?? ((line: string) => console.error(line));
  const bus = await connectBus({ servers: config.natsUrl, name: `portcullis-${config.hostId}`, timeoutMs: config.kvTimeoutMs });
  // Stop steps, newest first; `crash` skips the graceful hand-back of shards.
  const cleanup: { name: string; run: () => Promise<void> | void }[] = [{ name: 'bus', run: () => bus.close() }];
  const onStop = (name: string, run: () => Promise<void> | void): void => {
    cleanup.unshift({ name, run });
  };
  try {
    const replicas = config.replicas > 0 ? config.replicas : automaticReplicas(bus);
    const kvs = await provision(bus, {
      replicas,
      tokensMaxAgeMs: (config.maxTokenTtl + 3600) * 1000,
      tokenEventsMaxAgeMs: config.tokenEventsMaxAgeMs,
      audit: { maxAgeMs: config.auditMaxAgeMs, maxBytes: config.auditMaxBytes },
    });
    const pipeline = new JetStreamPipeline(bus, { timeoutMs: config.kvTimeoutMs, maxInFlight: config.maxWritesInFlight });
    onStop('pipeline', () => pipeline.close());
    // Decision records and token events: acknowledged, retried and bounded; flushed before the pipeline closes.
    const audit = new AuditLog(pipeline, { host: config.hostId, enabled: config.auditEnabled, maxInFlight: config.auditMaxInFlight, maxBuffered: config.auditMaxBuffered });
    onStop('audit', async () => {
      await audit.flush(config.kvTimeoutMs);
      audit.close();
    });
    const events = new TokenEventPublisher(pipeline, { maxBuffered: config.tokenEventsMaxBuffered });
    onStop('events', async () => {
      await events.flush(config.kvTimeoutMs);
      events.close();
    });
    const clientKv = new KvStore<ClientRecord>(buckets.clients, kvs[buckets.clients], pipeline);
    const tokenKv = new KvStore<TokenRecord>(buckets.tokens, kvs[buckets.tokens], pipeline, tokenRecordCodec);
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
    const keys = new JwksCache(fetcher, { maxEntries: config.fetchCacheEntries });
    const cimd = new ClientIdMetadataDocuments({ fetcher, cache: { maxEntries: config.fetchCacheEntries } });
    const nonces = new DpopNonces({ secret: config.dpopNonceSecret !== undefined ? Buffer.from(config.dpopNonceSecret) : randomBytes(32) });

    const runsActors = config.role !== 'frontend';
    // The policy store: the starting bundle comes from it, and a watcher keeps the pool on its active version.
    const policyStore = runsActors && !opts.pool ? await PolicyStore.open(bus, { replicas }) : undefined;
    const pool = runsActors ? await startPool(config, opts, policyStore, log) : undefined;
    if (pool) onStop('pool', () => pool.close());
    else await opts.pool?.close();
    const swappable = pool as (ServerPool & Partial<SwappablePool>) | undefined;
    const policyWatcher =
      policyStore && swappable?.activate !== undefined ? new PolicyBundleWatcher(policyStore, swappable as ServerPool & SwappablePool, { log, hostId: config.hostId }) : undefined;
    if (policyWatcher) {
      await policyWatcher.start();
      onStop('policy-watcher', () => policyWatcher.stop());
    }
    const policyData = new PolicyDataView(bus, policyKv, pool, config.defaultTokenTtl);
    await policyData.start();
    onStop('policy-data', () => policyData.stop());

    const metrics = new FrontendMetrics();
    const decisions = metrics.registry.add(
      new Histogram('portcullis_policy_decision_duration_seconds', 'Policy decision latency (queueing included) by phase and outcome.', latencyBuckets),
    );
    // `expired` events come from the owner of the token's shard (its own schedule; a new owner catches up).
    let ownsTokenShard: (shard: number) => boolean = () => false;
    const expiryAnnouncer = pool
      ? new OwnerExpiryAnnouncer(events, bus, {
          shards: config.shards,
          shardOf: (hash) => shardOf(hash, config.shards),
          owns: (shard) => ownsTokenShard(shard),
          windowMs: config.maxTokenTtl * 1000,
          maxTracked: config.tokenExpiryMaxPending,
          log,
        })
      : undefined;
    const router = new ActorRouter(bus, { shards: config.shards, timeoutMs: config.requestTimeoutMs });
    const clientStore = new RecordStore(clientKv, config.clientCacheEntries, config.shards);
    const tokenStore = new RecordStore(tokenKv, config.tokenCacheEntries, config.shards);
    const decider = pool ? new Decider(pool, (phase, outcome, us) => decisions.observe({ phase, outcome }, us / 1e6), config.auditEnabled ? audit : undefined) : undefined;
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
        token: new TokenActor({ store: tokenStore, decider, events, ...(expiryAnnouncer ? { expiry: expiryAnnouncer } : {}), issuer: config.issuer, rsProofs: { replay, maxAgeSec: config.dpopMaxAgeSec } }),
      },
      onError: (err) => log(`portcullis: actor error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
    }) : undefined;
    router.attach(host);
    if (host) {
      await host.start();
      onStop('host', () => host.stop());
      if (expiryAnnouncer) {
        ownsTokenShard = (shard) => host.owns('token', shard);
        expiryAnnouncer.start();
        onStop('expiry', () => expiryAnnouncer.stop());
      }
    }

    // A frontend without actors watches the leases, so its readiness says whether actor hosts serve every shard.
    const coverage = host ? undefined : new LeaseCoverage({ kv: kvs[buckets.leases], kinds: actorKinds, shards: config.shards, intervalMs: config.leaseRenewMs });
    if (coverage) {
      await coverage.start();
      onStop('lease coverage', () => coverage.stop());
    }

    const clients = new ClientAdmin(router, clientKv);
    const readiness = (): Readiness => {
      const checks: Readiness['checks'] = { nats: { ok: bus.isConnected() } };
      if (host) {
        const cov = host.coverage();
        checks.shards = { ok: cov.covered === cov.total, detail: `${cov.covered}/${cov.total} owned, ${host.ownedCount()} here` };
      } else if (coverage) {
        checks.shards = { ok: coverage.covered === coverage.total, detail: `${coverage.covered}/${coverage.total} owned by ${coverage.liveHosts} live actor host(s)` };
      }
      const bundle = policyWatcher?.status();
      checks.policy = {
        ok: policyData.lastError === undefined && (bundle?.ok ?? true),
        detail: bundle ? bundle.detail : pool ? (pool.metrics?.().activeVersion ?? 'loaded') : 'data only (frontend role)',
      };
      return { ready: Object.values(checks).every((c) => c.ok), checks };
    };
    addGauges(metrics, host, router, pipeline, events, pool, clientStore, tokenStore);
    addRecordGauges(metrics, audit, policyWatcher, () => expiryAnnouncer);
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
        proofKeys: new ExpiringCache(config.dpopKeyCacheEntries),
        keys,
        trustedIssuers: () => policyData.softwareStatementIssuers(),
        initialAccessToken: config.registrationInitialAccessToken,
        registrations: new RegistrationService(router),
      },
      streams: new TokenStreamService(bus, router, policyData),
      auditSource: bus,
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
      policyStore,
      policyWatcher,
      audit,
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
  events: TokenEventPublisher,
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

/** Gauges of the policy plane and the records: the bundle deciding here, swaps, the audit log and token events. */
function addRecordGauges(metrics: FrontendMetrics, audit: AuditLog, watcher: PolicyBundleWatcher | undefined, expiry: () => OwnerExpiryAnnouncer | undefined): void {
  const r = metrics.registry;
  if (watcher) {
    r.add(
      new Gauge('portcullis_policy_bundle', 'Policy bundle on this host: 1 for the version running (label `wanted` names the active pointer).', () => {
        const s = watcher.status();
        return [{ labels: { running: s.running, wanted: s.wanted ?? '' }, value: 1 }];
      }),
    );
    r.add(
      new Gauge('portcullis_policy_bundle_swaps', 'Policy bundle swaps and failed loads since start, and whether the wanted version runs (1) or not (0).', () => {
        const s = watcher.status();
        return [
          { labels: { what: 'swaps' }, value: s.swaps },
          { labels: { what: 'failures' }, value: s.failures },
          { labels: { what: 'on_wanted' }, value: s.ok ? 1 : 0 },
        ];
      }),
    );
  }
  r.add(
    new Gauge('portcullis_audit_records', 'Audit log records since start: recorded, acknowledged, retried, dropped (the gap), unencodable; buffered and in flight now.', () => {
      const s = audit.stats();
      return [
        { labels: { what: 'recorded' }, value: s.recorded },
        { labels: { what: 'acknowledged' }, value: s.acknowledged },
        { labels: { what: 'retries' }, value: s.retries },
        { labels: { what: 'dropped' }, value: s.dropped },
        { labels: { what: 'unencodable' }, value: s.unencodable },
        { labels: { what: 'buffered' }, value: s.buffered },
        { labels: { what: 'in_flight' }, value: s.inFlight },
      ];
    }),
  );
  r.add(
    new Gauge('portcullis_token_expiry_announcer', 'Expired-token events announced, tokens untracked (past the bound: the gap) and catch-up failures since start; tokens tracked now.', () => {
      const e = expiry();
      return e
        ? [
            { labels: { what: 'announced' }, value: e.announced },
            { labels: { what: 'untracked' }, value: e.untracked },
            { labels: { what: 'tracked' }, value: e.tracked },
            { labels: { what: 'errors' }, value: e.errors },
          ]
        : [];
    }),
  );
}
