// Runs on every host: follows the active-version pointer and hands each newly named bundle to the policy
// pool, which loads it in every worker beside the old one and switches only once all have it. A bundle
// that fails to fetch or load leaves the old version deciding; the failure is counted, logged and shown
// in readiness detail, never thrown at the host. (Policy data has its own watcher, PolicyDataView in
// src/actors, which calls the pool's `setData`; the pool keeps data across a bundle swap.)
import type { PolicyBundle } from '../types.js';
import { type ActivePointer, PolicyStore } from './policy-store.js';

/**
 * What the watcher needs of the pool (src/policy's PolicyPool has it): `version` is the bundle deciding
 * now; `activate(bundle)` loads it in every worker beside the current one and flips atomically once all
 * have loaded it — each decision runs wholly on one version — or rejects and leaves the current one.
 */
export interface SwappablePool {
  readonly version: string;
  activate(bundle: PolicyBundle): Promise<void>;
}

export interface BundleWatcherOptions {
  log?: (line: string) => void;
  /** Report what this host runs under `hosts.<hostId>` in the policy bucket (shown by `policy active`). */
  hostId?: string;
  /** First retry delay after a failed fetch of the bytes (not a failed load), ms; doubles to 30 s. */
  retryMs?: number;
}

export interface BundleWatcherStatus {
  /** True when the pool runs the version the pointer names (or nothing has been published yet). */
  ok: boolean;
  /** The version deciding on this host. */
  running: string;
  /** The version the active pointer names, null before the first publish. */
  wanted: string | null;
  swaps: number;
  failures: number;
  lastError: string | null;
  /** One line for /readyz detail. */
  detail: string;
}

export class PolicyBundleWatcher {
  readonly #store: PolicyStore;
  readonly #pool: SwappablePool;
  readonly #log: (line: string) => void;
  readonly #retryMs: number;
  readonly #hostId: string | undefined;
  #iter: { stop(): void } | undefined;
  #wanted: ActivePointer | null = null;
  /** The version whose load failed (not retried until the pointer moves). */
  #failedVersion: string | null = null;
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #retryDelay: number;
  swaps = 0;
  failures = 0;
  lastError: string | null = null;

  constructor(store: PolicyStore, pool: SwappablePool, opts: BundleWatcherOptions = {}) {
    this.#store = store;
    this.#pool = pool;
    this.#log = opts.log ?? ((line) => console.error(line));
    this.#retryMs = opts.retryMs ?? 500;
    this.#retryDelay = this.#retryMs;
    this.#hostId = opts.hostId;
  }

  /** Starts watching; resolves after the currently active version (if any) has been tried once. */
  async start(): Promise<void> {
    const iter = await this.#store.watchActive();
    this.#iter = iter;
    let first: () => void = () => undefined;
    const initial = new Promise<void>((resolve) => {
      first = resolve;
    });
    // The watch yields the current value first; with no value, it yields nothing until a publish.
    const current = await this.#store.active();
    if (current === null) first();
    (async () => {
      for await (const e of iter) {
        const pointer = PolicyStore.decodeActive(e);
        if (pointer === null) continue;
        this.#wanted = pointer;
        await this.#reconcile();
        first();
      }
    })().catch((err: unknown) => {
      this.#fail(`policy watcher stopped: ${(err as Error).message}`);
      first();
    });
    await initial;
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    this.#iter?.stop();
  }

  status(): BundleWatcherStatus {
    const running = this.#pool.version;
    const wanted = this.#wanted?.version ?? null;
    const ok = wanted === null || wanted === running;
    const detail = ok
      ? `policy ${running}${wanted === null ? ' (nothing published; built-in)' : ''}`
      : `policy ${running} running, ${wanted} wanted${this.lastError ? `: ${this.lastError}` : ' (loading)'}`;
    return { ok, running, wanted, swaps: this.swaps, failures: this.failures, lastError: this.lastError, detail };
  }

  /** Resolves when the pool runs `version` (true) or the load of it failed or timed out (false). */
  async waitFor(version: string, timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (this.#pool.version === version) return true;
      if (this.#failedVersion === version) return false;
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.#pool.version === version;
  }

  /** Brings the pool to the wanted version; overlapping calls coalesce into one more pass. */
  #reconcile(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        await this.#swapOnce();
      } while (this.#again && !this.#stopped);
    })().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #swapOnce(): Promise<void> {
    await this.#trySwap();
    await this.#report();
  }

  async #report(): Promise<void> {
    if (this.#hostId === undefined || this.#stopped) return;
    const s = this.status();
    try {
      await this.#store.reportHost({ host: this.#hostId, running: s.running, wanted: s.wanted, error: s.ok ? null : s.lastError, time: new Date().toISOString() });
    } catch {
      // A report is advice for operators; the next change reports again.
    }
  }

  async #trySwap(): Promise<void> {
    const target = this.#wanted;
    if (!target || this.#stopped || target.version === this.#pool.version || target.version === this.#failedVersion) return;
    let bundle: PolicyBundle;
    try {
      bundle = (await this.#store.load(target.version)).policy;
    } catch (err) {
      // Fetching may fail for a moment (NATS restarting): try again later, the old version decides meanwhile.
      this.#fail(`cannot fetch policy ${target.version}: ${(err as Error).message}`);
      this.#scheduleRetry();
      return;
    }
    try {
      await this.#pool.activate(bundle);
    } catch (err) {
      this.#failedVersion = target.version;
      this.#fail(`policy ${target.version} failed to load; ${this.#pool.version} stays active: ${(err as Error).message}`);
      return;
    }
    this.#retryDelay = this.#retryMs;
    this.swaps++;
    this.lastError = null;
    this.#log(`portcullis: policy ${target.version} active (${target.reason} by ${target.who}${target.previous ? `, was ${target.previous}` : ''})`);
  }

  #scheduleRetry(): void {
    if (this.#stopped) return;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => void this.#reconcile(), this.#retryDelay);
    this.#retryTimer.unref();
    this.#retryDelay = Math.min(30_000, this.#retryDelay * 2);
  }

  #fail(message: string): void {
    this.failures++;
    this.lastError = message;
    this.#log(`portcullis: ${message}`);
  }
}
