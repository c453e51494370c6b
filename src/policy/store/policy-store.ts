// Versioned policy bundles in JetStream: each publish stores the bundle in an object store under its
// content hash and a version record in KV; the `active` key names the version hosts run. Publishing
// refuses, before any host can see it, a bundle that does not load or lacks the server's entrypoints.
import type { KV, KvWatchEntry } from '@nats-io/kv';
import { type ObjectStore, Objm } from '@nats-io/obj';
import type { QueuedIterator } from '@nats-io/transport-node';
import type { BusConnection } from '../../bus/index.js';
import { type Bundle, bundleWasm, encodeBundleArchive } from '../../rego/bundle/index.js';
import type { PolicyBundle } from '../types.js';
import { bundleVersion, checkBundle, readBundleArchive, requiredEntrypoints } from './check-bundle.js';
import { PolicyStoreError } from './errors.js';
import { activeKey, bundlesObjectStore, hostReportKey, policyBucket, versionKey, versionPattern } from './names.js';

/** The record of one published version (KV `versions.<version>`). */
export interface PolicyVersion {
  /** 16 hex digits of the bundle content's SHA-256. */
  version: string;
  /** When it was first published, ISO 8601. */
  time: string;
  /** Who published it (operator name from the CLI, or a service name). */
  who: string;
  entrypoints: string[];
  /** Bytes of the stored .tar.gz. */
  size: number;
  /** Bytes of policy.wasm. */
  wasmSize: number;
  /** The manifest's `revision`, if the builder set one. */
  revision: string;
  /** True when it was stored without the load and entrypoint checks (`force`). */
  unchecked?: boolean;
}

/** The `active` key: the version every host runs, and how it came to be. */
export interface ActivePointer {
  version: string;
  /** When it was set, ISO 8601. */
  time: string;
  who: string;
  /** The version active before, if any. */
  previous: string | null;
  reason: 'publish' | 'rollback' | 'activate';
}

/** What a host's watcher reports (KV `hosts.<host id>`). */
export interface HostReport {
  host: string;
  /** The version deciding on the host. */
  running: string;
  /** The version the active pointer named when it reported. */
  wanted: string | null;
  /** The last load failure, while the host is not on the wanted version. */
  error: string | null;
  /** ISO 8601. */
  time: string;
}

export type PublishStep = 'checking' | 'uploading' | 'recording' | 'activating';

export interface PublishOptions {
  who: string;
  /** Make the version active at once (default true). */
  activate?: boolean;
  /** Store it without the load and entrypoint checks: for tests of what hosts do with a broken bundle. */
  force?: boolean;
  onProgress?: (step: PublishStep, detail: string) => void;
}

export interface PublishResult {
  record: PolicyVersion;
  /** False when this exact content was already published (the existing record is returned). */
  created: boolean;
  active: ActivePointer | null;
}

export interface PolicyStoreOptions {
  /** JetStream replicas of the bucket and object store: 1 on one server, 3 on a cluster. Default 1. */
  replicas?: number;
  /** Deadline of each object chunk write, ms; default 10 000. */
  timeoutMs?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const toBytes = (v: unknown): Uint8Array => encoder.encode(JSON.stringify(v));
const fromBytes = <T>(b: Uint8Array): T => JSON.parse(decoder.decode(b)) as T;

/** A version loaded from the store: its record, the bundle, and the form the policy pool takes. */
export interface LoadedVersion {
  record: PolicyVersion;
  bundle: Bundle;
  policy: PolicyBundle;
}

export class PolicyStore {
  readonly #kv: KV;
  readonly #objects: ObjectStore;
  readonly #timeoutMs: number;

  private constructor(kv: KV, objects: ObjectStore, timeoutMs: number) {
    this.#kv = kv;
    this.#objects = objects;
    this.#timeoutMs = timeoutMs;
  }

  /** Opens (creating when absent, idempotently) the policy bucket and the bundle object store. */
  static async open(bus: BusConnection, opts: PolicyStoreOptions = {}): Promise<PolicyStore> {
    const replicas = opts.replicas ?? 1;
    try {
      const kv = await bus.kvm.create(policyBucket, { replicas, history: 16 }).catch(() => bus.kvm.open(policyBucket));
      const objects = await new Objm(bus.js).create(bundlesObjectStore, { replicas }).catch(() => new Objm(bus.js).open(bundlesObjectStore));
      return new PolicyStore(kv, objects, opts.timeoutMs ?? 10_000);
    } catch (err) {
      throw new PolicyStoreError('store_unavailable', `cannot open the policy store: ${(err as Error).message}`, { cause: err });
    }
  }

  /**
   * Publishes a bundle (`.tar.gz` bytes or a parsed bundle): checks it, stores it under its content hash,
   * records the version and, unless `activate: false`, makes it active. Publishing content that is
   * already stored only (re)activates it.
   */
  async publish(input: Uint8Array | Bundle, opts: PublishOptions): Promise<PublishResult> {
    const progress = opts.onProgress ?? (() => undefined);
    const bundle = input instanceof Uint8Array ? readBundleArchive(input) : input;
    let version: string;
    let entrypoints: string[];
    let wasm: Uint8Array;
    if (opts.force) {
      version = bundleVersion(bundle);
      entrypoints = bundle.manifest.wasm.map((w) => w.entrypoint).sort();
      wasm = Object.values(bundle.wasmModules)[0] ?? new Uint8Array(0);
      progress('checking', 'skipped (forced)');
    } else {
      progress('checking', `loading policy.wasm in the OPA SDK, entrypoints ${requiredEntrypoints.join(', ')}`);
      const checked = await checkBundle(bundle);
      ({ version, entrypoints, wasm } = checked);
    }
    let record = await this.get(version);
    let created = false;
    if (!record) {
      const archive = input instanceof Uint8Array ? input : encodeBundleArchive(bundle);
      progress('uploading', `${version}: ${archive.length} bytes to object store ${bundlesObjectStore}`);
      await this.#putObject(version, archive);
      record = {
        version,
        time: new Date().toISOString(),
        who: opts.who,
        entrypoints,
        size: archive.length,
        wasmSize: wasm.length,
        revision: bundle.manifest.revision,
        ...(opts.force ? { unchecked: true } : {}),
      };
      progress('recording', `version record ${versionKey(version)}`);
      await this.#kvPut(versionKey(version), record);
      created = true;
    }
    let active: ActivePointer | null = null;
    if (opts.activate !== false) {
      progress('activating', version);
      active = await this.#setActive(version, opts.who, 'publish');
    }
    return { record, created, active };
  }

  /** Every published version, oldest first. */
  async list(): Promise<PolicyVersion[]> {
    const out: PolicyVersion[] = [];
    try {
      const keys: string[] = [];
      for await (const k of await this.#kv.keys('versions.*')) keys.push(k);
      for (const k of keys) {
        const e = await this.#kv.get(k);
        if (e && e.operation === 'PUT' && e.length > 0) out.push(fromBytes<PolicyVersion>(e.value));
      }
    } catch (err) {
      throw new PolicyStoreError('store_unavailable', `cannot list policy versions: ${(err as Error).message}`, { cause: err });
    }
    return out.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  }

  async get(version: string): Promise<PolicyVersion | null> {
    if (!versionPattern.test(version)) return null;
    return this.#kvGet<PolicyVersion>(versionKey(version));
  }

  /** The version a full version or a unique prefix (at least 4 hex digits) names. */
  async resolve(prefix: string): Promise<PolicyVersion> {
    if (!/^[0-9a-f]{4,16}$/.test(prefix)) throw new PolicyStoreError('version_not_found', `not a version or version prefix: ${JSON.stringify(prefix)}`);
    if (prefix.length === 16) {
      const r = await this.get(prefix);
      if (!r) throw new PolicyStoreError('version_not_found', `no published version ${prefix}`);
      return r;
    }
    const matches = (await this.list()).filter((v) => v.version.startsWith(prefix));
    if (matches.length === 0) throw new PolicyStoreError('version_not_found', `no published version starts with ${prefix}`);
    if (matches.length > 1) throw new PolicyStoreError('version_ambiguous', `${prefix} matches ${matches.map((m) => m.version).join(', ')}`);
    return matches[0] as PolicyVersion;
  }

  /** The active pointer, or null when nothing was ever published. */
  async active(): Promise<ActivePointer | null> {
    return this.#kvGet<ActivePointer>(activeKey);
  }

  /** Makes an older (or any published) version active: a rollback is this. */
  async activate(versionOrPrefix: string, who: string, reason: 'rollback' | 'activate' = 'rollback'): Promise<ActivePointer> {
    const record = await this.resolve(versionOrPrefix);
    return this.#setActive(record.version, who, reason);
  }

  /** Reads a stored version's bundle. It is not re-checked: hosts check while loading. */
  async load(version: string): Promise<LoadedVersion> {
    const record = await this.get(version);
    if (!record) throw new PolicyStoreError('version_not_found', `no published version ${version}`);
    let bytes: Uint8Array | null;
    try {
      bytes = await this.#objects.getBlob(version);
    } catch (err) {
      throw new PolicyStoreError('store_unavailable', `cannot read bundle ${version}: ${(err as Error).message}`, { cause: err });
    }
    if (!bytes) throw new PolicyStoreError('version_missing_bytes', `the object store has no bundle for version ${version}`);
    const bundle = readBundleArchive(bytes);
    let wasm: Uint8Array;
    try {
      wasm = bundleWasm(bundle);
    } catch (err) {
      throw new PolicyStoreError('bundle_invalid', `bundle ${version}: ${(err as Error).message}`, { cause: err });
    }
    return { record, bundle, policy: { wasm, data: bundle.data, version } };
  }

  /** Records what a host runs (its watcher calls this after each change). */
  async reportHost(report: HostReport): Promise<void> {
    await this.#kvPut(hostReportKey(report.host), report);
  }

  /** What every host last reported, by host id. */
  async hostReports(): Promise<HostReport[]> {
    const out: HostReport[] = [];
    try {
      const keys: string[] = [];
      for await (const k of await this.#kv.keys('hosts.*')) keys.push(k);
      for (const k of keys.sort()) {
        const e = await this.#kv.get(k);
        if (e && e.operation === 'PUT' && e.length > 0) out.push(fromBytes<HostReport>(e.value));
      }
    } catch (err) {
      throw new PolicyStoreError('store_unavailable', `cannot read host reports: ${(err as Error).message}`, { cause: err });
    }
    return out;
  }

  /** Watches the active pointer: yields its current value first (if any), then every change. */
  watchActive(): Promise<QueuedIterator<KvWatchEntry>> {
    return this.#kv.watch({ key: activeKey });
  }

  static decodeActive(e: KvWatchEntry): ActivePointer | null {
    return e.operation === 'PUT' && e.length > 0 ? fromBytes<ActivePointer>(e.value) : null;
  }

  async #setActive(version: string, who: string, reason: ActivePointer['reason']): Promise<ActivePointer> {
    const current = await this.active();
    const pointer: ActivePointer = { version, time: new Date().toISOString(), who, previous: current?.version ?? null, reason };
    if (current?.version === version) return current;
    await this.#kvPut(activeKey, pointer);
    return pointer;
  }

  async #putObject(name: string, bytes: Uint8Array): Promise<void> {
    try {
      await this.#objects.putBlob({ name, description: `policy bundle ${name}` }, bytes, { timeout: this.#timeoutMs });
    } catch (err) {
      throw new PolicyStoreError('store_unavailable', `cannot store bundle ${name}: ${(err as Error).message}`, { cause: err });
    }
  }

  async #kvPut(key: string, value: unknown): Promise<void> {
    try {
      await this.#kv.put(key, toBytes(value));
    } catch (err) {
      throw new PolicyStoreError('store_unavailable', `cannot write ${policyBucket}/${key}: ${(err as Error).message}`, { cause: err });
    }
  }

  async #kvGet<T>(key: string): Promise<T | null> {
    let e: Awaited<ReturnType<KV['get']>>;
    try {
      e = await this.#kv.get(key);
    } catch (err) {
      throw new PolicyStoreError('store_unavailable', `cannot read ${policyBucket}/${key}: ${(err as Error).message}`, { cause: err });
    }
    return e && e.operation === 'PUT' && e.length > 0 ? fromBytes<T>(e.value) : null;
  }
}
