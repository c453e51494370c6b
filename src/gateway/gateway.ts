// A gateway's local view of Portcullis: learns tokens from the token-event stream (replayed on start,
// then live), keeps their records — with the issuance decision — in a bounded cache, holds the active
// policy bundle and data.oauth_config as the server's hosts do, and answers `check(token, context)` with
// the introspect-phase decision the server would give. A miss, and every single-use token, goes to the
// server's /introspect (only the server may consume a single-use token).
import { randomUUID } from 'node:crypto';
import { PolicyDataView, entrypoints } from '../actors/index.js';
import { type BusConnection, JetStreamPipeline, KvStore, buckets, connectBus } from '../bus/index.js';
import { type TokenEventStream, subscribeTokenEvents } from '../events/index.js';
import {
  type IntrospectionResponse,
  type TokenRecord,
  tokenRecordCodec,
  activeResponse,
  bindingFor,
  encodeIntrospectInput,
  environmentOf,
  hashToken,
  inactive,
  isPlausibleToken,
  normalizeDecision,
  tokenState,
} from '../oauth/index.js';
import { type PolicyBundle, loadDefaultBundle } from '../policy/index.js';
import { PolicyBundleWatcher, PolicyStore, startupBundle } from '../policy/store/index.js';
import { IntrospectionClient } from './introspection-client.js';
import { LocalPolicy } from './local-policy.js';
import { TokenCache } from './token-cache.js';

export interface GatewayOptions {
  /** NATS server URL(s) of the Portcullis deployment. */
  natsUrl: string | string[];
  /** Portcullis base URL, for introspection on a miss and for single-use tokens. */
  serverUrl: string;
  /** The resource server's client (the one /introspect authenticates). */
  clientId: string;
  clientSecret: string;
  /** The server's issuer (`iss` in answers); default: serverUrl. */
  issuer?: string;
  /** Token records kept in memory (LRU). Default 100 000. */
  maxTokens?: number;
  /** How far back the event stream is replayed at start, ms. Default 24 h (the longest token lifetime). */
  replayMs?: number;
  /** The server's PORTCULLIS_DEFAULT_TOKEN_TTL (policies see it as data.oauth_config.defaults.ttl). Default 3600. */
  defaultTokenTtl?: number;
  /** Environment policy sees for local decisions; the fallback sends the same User-Agent. */
  ip?: string;
  userAgent?: string;
  /** Deadline of a fallback introspection, ms. Default 3000. */
  introspectionTimeoutMs?: number;
  /** Token records fetched from KV at once while replaying. Default 64. */
  fetchConcurrency?: number;
  /** Token records waiting to be fetched; past it an `issued` event is dropped (that token introspects on a miss). Default 10 000. */
  maxFetchQueue?: number;
  /**
   * The bundle to decide with while no version is published in the policy store; default: policies/pbac
   * compiled now, as the server does (pass the server's own bundle when it was started with one).
   */
  fallbackBundle?: PolicyBundle;
  log?: (line: string) => void;
}

export type CheckResult = IntrospectionResponse & { source: 'local' | 'introspect' };

export interface GatewayStats {
  cached: number;
  localChecks: number;
  introspections: number;
  eventsSeen: number;
  recordsLearnt: number;
  policyVersion: string;
  /** Events still to replay when the subscription started. */
  replayBacklog: number;
  /** Token records waiting to be fetched from KV. */
  fetchQueued: number;
  /** `issued` events dropped because the fetch queue was full. */
  fetchesDropped: number;
}

const introspectEntrypoint = entrypoints.introspect;

type ResolvedOptions = Required<Omit<GatewayOptions, 'log' | 'ip' | 'fallbackBundle'>> & { ip: string; log: (line: string) => void };

export class Gateway {
  readonly #o: ResolvedOptions;
  readonly #bus: BusConnection;
  readonly #pipeline: JetStreamPipeline;
  readonly #tokens: KvStore<TokenRecord>;
  readonly #cache: TokenCache;
  readonly #policy: LocalPolicy;
  readonly #policyData: PolicyDataView;
  readonly #watcher: PolicyBundleWatcher;
  readonly #remote: IntrospectionClient;
  readonly #streams: TokenEventStream[] = [];
  readonly #learnt = new Set<(hash: string) => void>();
  #fetching = 0;
  #fetchQueue: string[] = [];
  fetchesDropped = 0;
  #stopped = false;
  localChecks = 0;
  introspections = 0;
  eventsSeen = 0;
  recordsLearnt = 0;
  replayBacklog = 0;

  private constructor(
    o: ResolvedOptions,
    bus: BusConnection,
    pipeline: JetStreamPipeline,
    tokens: KvStore<TokenRecord>,
    policy: LocalPolicy,
    policyData: PolicyDataView,
    watcher: PolicyBundleWatcher,
  ) {
    this.#o = o;
    this.#bus = bus;
    this.#pipeline = pipeline;
    this.#tokens = tokens;
    this.#policy = policy;
    this.#policyData = policyData;
    this.#watcher = watcher;
    this.#cache = new TokenCache(o.maxTokens);
    this.#remote = new IntrospectionClient({ url: o.serverUrl, clientId: o.clientId, clientSecret: o.clientSecret, userAgent: o.userAgent, timeoutMs: o.introspectionTimeoutMs });
  }

  /** Connects, loads the active bundle and policy data, checks the credentials, replays the events. */
  static async start(opts: GatewayOptions): Promise<Gateway> {
    const o: ResolvedOptions = {
      natsUrl: opts.natsUrl,
      serverUrl: opts.serverUrl.replace(/\/+$/, ''),
      clientId: opts.clientId,
      clientSecret: opts.clientSecret,
      issuer: opts.issuer ?? opts.serverUrl.replace(/\/+$/, ''),
      maxTokens: opts.maxTokens ?? 100_000,
      replayMs: opts.replayMs ?? 86_400_000,
      defaultTokenTtl: opts.defaultTokenTtl ?? 3600,
      ip: opts.ip ?? '',
      userAgent: opts.userAgent ?? 'portcullis-gateway',
      introspectionTimeoutMs: opts.introspectionTimeoutMs ?? 3000,
      fetchConcurrency: opts.fetchConcurrency ?? 64,
      maxFetchQueue: opts.maxFetchQueue ?? 10_000,
      log: opts.log ?? ((line: string) => console.error(line)),
    };
    const bus = await connectBus({ servers: o.natsUrl, name: `portcullis-gateway-${o.clientId}` });
    const pipeline = new JetStreamPipeline(bus, { timeoutMs: 2000, maxInFlight: 16 });
    try {
      const [tokensKv, policyKv] = await Promise.all([bus.kvm.open(buckets.tokens), bus.kvm.open(buckets.policyData)]);
      const store = await PolicyStore.open(bus, { replicas: bus.nc.info?.cluster ? Math.min(3, bus.nc.info.connect_urls?.length ?? 3) : 1 });
      const fallback = opts.fallbackBundle;
      const policy = new LocalPolicy(await startupBundle(store, fallback ? async () => fallback : loadDefaultBundle, o.log));
      await policy.start();
      const watcher = new PolicyBundleWatcher(store, policy, { log: o.log });
      await watcher.start();
      const policyData = new PolicyDataView(bus, new KvStore<unknown>(buckets.policyData, policyKv, pipeline), policy, o.defaultTokenTtl);
      await policyData.start();
      const gw = new Gateway(o, bus, pipeline, new KvStore<TokenRecord>(buckets.tokens, tokensKv, pipeline, tokenRecordCodec), policy, policyData, watcher);
      // Wrong credentials must fail here, not turn every miss into an error later.
      await gw.#remote.introspect('portcullis-gateway-credential-check', {});
      await gw.#follow();
      return gw;
    } catch (err) {
      pipeline.close();
      await bus.close();
      throw err;
    }
  }

  /** The resource servers this gateway speaks for (from policy data, as the server resolves them). */
  get resourceServers(): string[] {
    return this.#policyData.resourceServersOfClient(this.#o.clientId).map((rs) => rs.id);
  }

  async #follow(): Promise<void> {
    // Tokens bound to this gateway's resource servers, and tokens bound to none (any RS may see those).
    const servers: (string | null)[] = [...this.resourceServers, null];
    const since = Date.now() - this.#o.replayMs;
    for (const server of servers) {
      const stream = await subscribeTokenEvents(this.#bus, { server, since });
      this.replayBacklog += stream.backlog;
      this.#streams.push(stream);
      (async () => {
        for await (const { event } of stream) {
          this.eventsSeen++;
          if (event.type === 'issued') this.#fetch(event.token_hash);
          else this.#cache.forget(event.token_hash);
        }
      })().catch((err: unknown) => {
        if (!this.#stopped) this.#o.log(`portcullis gateway: token events stopped: ${(err as Error).message}`);
      });
    }
  }

  /** Reads a token's record from KV (bounded concurrency) and keeps it while it is active. */
  #fetch(hash: string): void {
    if (this.#fetching >= this.#o.fetchConcurrency) {
      if (this.#fetchQueue.length >= this.#o.maxFetchQueue) this.fetchesDropped++;
      else this.#fetchQueue.push(hash);
      return;
    }
    this.#fetching++;
    this.#tokens
      .get(hash)
      .then(
        (v) => {
          const r = v?.value;
          if (r && tokenState(r, Math.floor(Date.now() / 1000)) === 'active' && this.#cache.remember(hash, r)) {
            this.recordsLearnt++;
            for (const f of this.#learnt) f(hash);
          }
        },
        () => undefined, // a miss later introspects instead
      )
      .finally(() => {
        this.#fetching--;
        const next = this.#fetchQueue.shift();
        if (next !== undefined && !this.#stopped) this.#fetch(next);
      });
  }

  /** True when the token's record is in the local cache (check() will answer locally). */
  knows(token: string): boolean {
    return this.#cache.get(hashToken(token)) !== undefined;
  }

  /** Calls `f(hash)` for every token record learnt from now on (benchmarks: issue-to-known lag). */
  onLearn(f: (hash: string) => void): () => void {
    this.#learnt.add(f);
    return () => this.#learnt.delete(f);
  }

  /**
   * The introspect-phase answer for `token` presented to this resource server with transaction context
   * `context` (what /introspect's `rs_context` carries): local when the token is cached and not single-use,
   * otherwise from the server.
   */
  async check(token: string, context: Record<string, unknown> = {}): Promise<CheckResult> {
    if (!isPlausibleToken(token)) return this.#local(inactive);
    const hash = hashToken(token);
    const record = this.#cache.get(hash);
    if (!record) {
      if (this.#cache.isGone(hash)) return this.#local(inactive);
      const res = await this.#introspect(token, context);
      if (res.active && !res.jit_single_use) this.#fetch(hash); // answer locally next time
      return res;
    }
    if (record.jit_single_use) return this.#introspect(token, context);
    const env = environmentOf(this.#o.ip, this.#o.userAgent, Date.now());
    if (tokenState(record, env.time_unix) !== 'active') return this.#local(inactive);
    const rs = bindingFor(record, this.#policyData.resourceServersOfClient(this.#o.clientId));
    if (!rs) return this.#local(inactive);
    const out = this.#policy.decide(introspectEntrypoint, encodeIntrospectInput(record, rs, context, env));
    const decision = normalizeDecision(out.result);
    if (!decision.allow) return this.#local(inactive);
    return this.#local(activeResponse(record, decision, randomUUID(), out.version, this.#o.issuer));
  }

  #local(res: IntrospectionResponse): CheckResult {
    this.localChecks++;
    return { ...res, source: 'local' };
  }

  async #introspect(token: string, context: Record<string, unknown>): Promise<CheckResult> {
    this.introspections++;
    return { ...(await this.#remote.introspect(token, context)), source: 'introspect' };
  }

  stats(): GatewayStats {
    return {
      cached: this.#cache.size,
      localChecks: this.localChecks,
      introspections: this.introspections,
      eventsSeen: this.eventsSeen,
      recordsLearnt: this.recordsLearnt,
      policyVersion: this.#policy.version,
      replayBacklog: this.replayBacklog,
      fetchQueued: this.#fetchQueue.length,
      fetchesDropped: this.fetchesDropped,
    };
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const s of this.#streams) s.stop();
    this.#watcher.stop();
    this.#policyData.stop();
    this.#pipeline.close();
    await this.#bus.close();
  }
}
