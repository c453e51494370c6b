// Policy data (resource types, resource servers, resources, entitlements, deny lists) as kept in KV
// under `<collection>.<id>`, watched by every host, indexed for the actors and pushed into the policy
// pool as data.oauth_config after each change.
import type { KvWatchEntry } from '@nats-io/kv';
import { type BusConnection, KvStore, buckets } from '../bus/index.js';
import { type Entitlement, type PbacCollection, type PbacRecordOf, type ResourceServer, pbacCollections } from '../oauth/index.js';

/** An entitlement as policies read it: every admin record for one client_id (or software_id) merged. */
export interface MergedEntitlement {
  scopes?: string[];
  resource_types?: string[];
  grant_types?: string[];
  ttl?: number;
  jit_single_use?: boolean;
  obligations?: Record<string, unknown>[];
}

/** What policies read as data.oauth_config (policies/pbac/README.md). */
export interface OAuthConfig {
  resource_types: Record<string, Omit<PbacRecordOf['resource_types'], 'name'>>;
  resource_servers: Record<string, ResourceServer>;
  resources: Record<string, PbacRecordOf['resources']>;
  entitlements: { by_client_id: Record<string, MergedEntitlement>; by_software_id: Record<string, MergedEntitlement> };
  deny: { client_ids: string[]; software_ids: string[]; ips: string[] };
  defaults: { ttl: number };
  /** Trusted software-statement issuers by `iss` (RFC 7591 §2.3): where their keys are. */
  software_statement_issuers: Record<string, { jwks?: Record<string, unknown>; jwks_uri?: string }>;
  /** Public-client policy data: when plain (statement-less) registration is allowed. */
  registration_policies: Record<string, Omit<PbacRecordOf['registration_policies'], 'id'>>;
}

export function policyDataKey(collection: PbacCollection, id: string): string {
  return `${collection}.${id}`;
}

type Collections = { [C in PbacCollection]: Map<string, PbacRecordOf[C]> };

export interface PolicyDataSink {
  setData(data: unknown): Promise<void>;
}

export class PolicyDataView {
  readonly #store: KvStore<unknown>;
  readonly #bus: BusConnection;
  readonly #sink: PolicyDataSink | undefined;
  readonly #c: Collections = {
    resource_types: new Map(),
    resource_servers: new Map(),
    resources: new Map(),
    entitlements: new Map(),
    deny: new Map(),
    software_statement_issuers: new Map(),
    registration_policies: new Map(),
  };
  #rsByIndicator = new Map<string, ResourceServer>();
  #rsByClient = new Map<string, ResourceServer[]>();
  #seen = 0;
  #applied = 0;
  #pushing: Promise<void> = Promise.resolve();
  #pushQueued = false;
  #waiters: { revision: number; resolve(): void }[] = [];
  #stopped = false;
  #iter: { stop(): void } | undefined;
  lastError: unknown;

  readonly #defaultTtl: number;

  constructor(bus: BusConnection, store: KvStore<unknown>, sink?: PolicyDataSink, defaultTtl = 3600) {
    this.#defaultTtl = defaultTtl;
    this.#bus = bus;
    this.#store = store;
    this.#sink = sink;
  }

  /** Loads everything in KV now, pushes it into the pool, then follows changes. */
  async start(): Promise<void> {
    const info = await this.#bus.jsm.streams.info(`KV_${buckets.policyData}`);
    const last = info.state.last_seq;
    const iter = await this.#store.watch('>');
    this.#iter = iter;
    const initial = last === 0 ? Promise.resolve() : this.#waitSeen(last);
    (async () => {
      for await (const e of iter) this.#apply(e);
    })().catch((err: unknown) => {
      this.lastError = err;
    });
    await initial;
    await this.#push();
  }

  stop(): void {
    this.#stopped = true;
    this.#iter?.stop();
  }

  /** Highest KV revision that the policy pool has been given. */
  get appliedRevision(): number {
    return this.#applied;
  }

  /** Resolves once data at `revision` or later is in the pool (false after `timeoutMs`). */
  waitForRevision(revision: number, timeoutMs: number): Promise<boolean> {
    if (this.#applied >= revision) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), timeoutMs);
      this.#waiters.push({
        revision,
        resolve: () => {
          clearTimeout(t);
          resolve(true);
        },
      });
    });
  }

  resourceServerByIndicator(indicator: string): ResourceServer | undefined {
    return this.#rsByIndicator.get(indicator);
  }

  resourceServersOfClient(clientId: string): ResourceServer[] {
    return this.#rsByClient.get(clientId) ?? [];
  }

  resourceType(name: string): PbacRecordOf['resource_types'] | undefined {
    return this.#c.resource_types.get(name);
  }

  /** data.oauth_config as policies see it. */
  snapshot(): OAuthConfig {
    const byClient: Record<string, MergedEntitlement> = {};
    const bySoftware: Record<string, MergedEntitlement> = {};
    for (const e of [...this.#c.entitlements.values()].sort((x, y) => (x.id < y.id ? -1 : 1))) {
      if (e.client_id !== undefined) byClient[e.client_id] = mergeEntitlement(byClient[e.client_id], e);
      if (e.software_id !== undefined) bySoftware[e.software_id] = mergeEntitlement(bySoftware[e.software_id], e);
    }
    const deny = { client_ids: new Set<string>(), software_ids: new Set<string>(), ips: new Set<string>() };
    for (const d of this.#c.deny.values()) {
      for (const c of d.client_ids ?? []) deny.client_ids.add(c);
      for (const x of d.software_ids ?? []) deny.software_ids.add(x);
      for (const x of d.ips ?? []) deny.ips.add(x);
    }
    const types: OAuthConfig['resource_types'] = {};
    for (const [name, t] of this.#c.resource_types) {
      const { name: _, ...rest } = t;
      types[name] = rest;
    }
    return {
      resource_types: types,
      resource_servers: Object.fromEntries(this.#c.resource_servers),
      resources: Object.fromEntries(this.#c.resources),
      entitlements: { by_client_id: byClient, by_software_id: bySoftware },
      deny: { client_ids: [...deny.client_ids].sort(), software_ids: [...deny.software_ids].sort(), ips: [...deny.ips].sort() },
      defaults: { ttl: this.#defaultTtl },
      software_statement_issuers: this.softwareStatementIssuers(),
      registration_policies: Object.fromEntries([...this.#c.registration_policies].map(([k, { id: _, ...rest }]) => [k, rest])),
    };
  }

  /** data.oauth_config.software_statement_issuers: issuer → its key source. */
  softwareStatementIssuers(): OAuthConfig['software_statement_issuers'] {
    const out: OAuthConfig['software_statement_issuers'] = {};
    for (const r of this.#c.software_statement_issuers.values()) out[r.issuer] = r.jwks !== undefined ? { jwks: r.jwks } : { jwks_uri: r.jwks_uri as string };
    return out;
  }

  #waitSeen(revision: number): Promise<void> {
    return new Promise((resolve) => {
      const check = setInterval(() => {
        if (this.#seen >= revision || this.#stopped) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
  }

  #apply(e: KvWatchEntry): void {
    this.#seen = Math.max(this.#seen, e.revision);
    const dot = e.key.indexOf('.');
    const collection = e.key.slice(0, dot);
    const id = e.key.slice(dot + 1);
    if (!isCollection(collection)) return;
    const value = KvStore.decodeEntry<PbacRecordOf[typeof collection]>(e);
    const map: Map<string, unknown> = this.#c[collection];
    if (value === null) map.delete(id);
    else map.set(id, value);
    if (collection === 'resource_servers') this.#reindexServers();
    if (e.isUpdate) this.#schedulePush();
  }

  #reindexServers(): void {
    const byIndicator = new Map<string, ResourceServer>();
    const byClient = new Map<string, ResourceServer[]>();
    for (const rs of this.#c.resource_servers.values()) {
      byIndicator.set(rs.resource, rs);
      const list = byClient.get(rs.client_id);
      if (list) list.push(rs);
      else byClient.set(rs.client_id, [rs]);
    }
    this.#rsByIndicator = byIndicator;
    this.#rsByClient = byClient;
  }

  /** Coalesces bursts of changes into one pool update at a time. */
  #schedulePush(): void {
    if (this.#pushQueued) return;
    this.#pushQueued = true;
    this.#pushing = this.#pushing.then(() => {
      this.#pushQueued = false;
      return this.#push();
    });
  }

  async #push(): Promise<void> {
    const revision = this.#seen;
    try {
      await this.#sink?.setData(this.snapshot());
    } catch (err) {
      this.lastError = err;
      return;
    }
    this.#applied = Math.max(this.#applied, revision);
    const ready = this.#waiters.filter((w) => w.revision <= this.#applied);
    this.#waiters = this.#waiters.filter((w) => w.revision > this.#applied);
    for (const w of ready) w.resolve();
  }
}

const union = (a: string[] | undefined, b: string[] | undefined): string[] | undefined =>
  a === undefined ? b : b === undefined ? a : [...new Set([...a, ...b])];

/** Several entitlements for one key: scopes, types and grants unite, the shortest ttl wins, single use sticks. */
function mergeEntitlement(into: MergedEntitlement | undefined, e: Entitlement): MergedEntitlement {
  const m: MergedEntitlement = { ...into };
  const scopes = union(m.scopes, e.scopes);
  if (scopes) m.scopes = scopes;
  const types = union(m.resource_types, e.resource_types);
  if (types) m.resource_types = types;
  const grantTypes = union(m.grant_types, e.grant_types);
  if (grantTypes) m.grant_types = grantTypes;
  if (e.ttl !== undefined) m.ttl = m.ttl === undefined ? e.ttl : Math.min(m.ttl, e.ttl);
  if (e.jit_single_use) m.jit_single_use = true;
  if (e.obligations) m.obligations = [...(m.obligations ?? []), ...e.obligations];
  return m;
}

function isCollection(s: string): s is PbacCollection {
  return (pbacCollections as readonly string[]).includes(s);
}
