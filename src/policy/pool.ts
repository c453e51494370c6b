// The policy pool: piscina worker threads that evaluate decisions against OPA Wasm snapshots.
// Decisions asked for in the same turn of the event loop travel to a worker in one message; the queue
// in front of the workers is bounded; a new bundle or new policy data becomes active only once every
// worker has loaded it, and each batch is evaluated entirely against the snapshot it was sent with.
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { BroadcastChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { loadRegoPolicy } from '../rego/load.js';
import { PolicyError, PolicyOverloadError } from './errors.js';
import { EncodedInput } from './encoded-input.js';
import { encodeBatch } from './lib/batch-wire.js';
import { LatencyHistogram, type HistogramSnapshot } from './lib/histogram.js';
import { policyWorkerExecArgv, policyWorkerFile } from './lib/worker-file.js';
import type {
  ControlMessage,
  Decision,
  DecisionResult,
  EvalItemResult,
  EvalRequest,
  EvalResponse,
  EvaluationResult,
  PolicyBundle,
  PolicyWorkerData,
  SnapshotSpec,
} from './types.js';

export interface PolicyPoolOptions {
  bundle: PolicyBundle;
  /** Worker threads; default: available cores − 1, at least 1. */
  workers?: number;
  /** Decisions waiting for a worker before `decide` rejects with `policy_overloaded`; default 10 000. */
  maxQueue?: number;
  /** Most decisions in one worker message; default 64. */
  maxBatch?: number;
  /** Batches outstanding per worker (one running, the rest queued at it); default 2. */
  batchesPerWorker?: number;
  /** How long a bundle or data swap waits for every worker to load it; default 30 s. */
  loadTimeoutMs?: number;
  /**
   * Deadline of one batch, from its send to its answer; past it its decisions reject as retryable
   * `policy_worker_error` (503 at the edge) and the worker running it is terminated and replaced; default 2 s.
   */
  policyTimeoutMs?: number;
}

export interface PolicyPoolMetrics {
  /** Decisions waiting in the pool for a worker. */
  queueDepth: number;
  /** Decisions sent to workers and not yet answered. */
  inFlight: number;
  decisionsTotal: number;
  errorsTotal: number;
  overloadsTotal: number;
  batchesTotal: number;
  swapsTotal: number;
  /** Worker failures outside a task (piscina replaces the worker). */
  workerErrorsTotal: number;
  /** Batches that missed policyTimeoutMs (their worker was replaced). */
  timeoutsTotal: number;
  activeVersion: string;
  workers: number;
  decisionLatency: HistogramSnapshot;
}

interface Pending {
  entrypoint: string;
  /** The input as JSON text (undefined: no input). */
  inputJson: string | undefined;
  t0: number;
  raw: boolean;
  resolve(v: DecisionResult | EvaluationResult): void;
  reject(e: unknown): void;
}

interface ActiveSnapshot {
  spec: SnapshotSpec;
  /** The bundle's own data.json, before policy data is placed at `oauth_config`. */
  baseData: unknown;
}

/** Reads a decision entrypoint's result set as a Decision (see `Decision`). */
export function toDecision(resultSet: { result: unknown }[]): Decision {
  if (resultSet.length === 0) return { allow: false, reason: 'policy_undefined' };
  const v = resultSet[0]?.result;
  if (typeof v === 'boolean') return { allow: v };
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as { allow?: unknown }).allow === 'boolean') {
    return v as Decision;
  }
  return { allow: false, reason: 'policy_malformed_decision' };
}

function withPolicyData(base: unknown, oauthConfig: unknown): unknown {
  if (oauthConfig === undefined) return base ?? {};
  if (base !== undefined && (base === null || typeof base !== 'object' || Array.isArray(base))) {
    throw new TypeError('bundle data must be a JSON object to hold oauth_config');
  }
  return { ...(base as Record<string, unknown> | undefined), oauth_config: oauthConfig };
}

export class PolicyPool {
  readonly #piscina: Piscina<EvalRequest, EvalResponse>;
  readonly #channel: BroadcastChannel;
  readonly #maxQueue: number;
  readonly #maxBatch: number;
  readonly #maxInFlightBatches: number;
  readonly #loadTimeoutMs: number;
  readonly #policyTimeoutMs: number;
  readonly #workers: number;
  readonly #latency = new LatencyHistogram();
  readonly #specs = new Map<string, SnapshotSpec>();
  readonly #batchesBySnapshot = new Map<string, number>();
  readonly #loadListeners = new Set<(msg: Extract<ControlMessage, { kind: 'loaded' }>) => void>();
  readonly #helloThreads = new Set<number>();
  /** Snapshots being loaded by a swap that has not switched yet. */
  readonly #loading = new Set<string>();
  #active: ActiveSnapshot;
  #oauthConfig: unknown;
  #seq = 0;
  #batchId = 0;
  #pending: Pending[] = [];
  #inFlightBatches = 0;
  #inFlightDecisions = 0;
  #flushScheduled = false;
  #closed = false;
  #swapChain: Promise<void> = Promise.resolve();
  #decisionsTotal = 0;
  #errorsTotal = 0;
  #overloadsTotal = 0;
  #batchesTotal = 0;
  #swapsTotal = 0;
  #workerErrorsTotal = 0;
  #timeoutsTotal = 0;
  #lastWorkerError: string | undefined;

  /** Use `createPolicyPool`. */
  constructor(initial: ActiveSnapshot, opts: Required<Omit<PolicyPoolOptions, 'bundle'>>) {
    this.#active = initial;
    this.#specs.set(initial.spec.key, initial.spec);
    this.#maxQueue = opts.maxQueue;
    this.#maxBatch = opts.maxBatch;
    this.#workers = opts.workers;
    this.#maxInFlightBatches = opts.workers * opts.batchesPerWorker;
    this.#loadTimeoutMs = opts.loadTimeoutMs;
    this.#policyTimeoutMs = opts.policyTimeoutMs;
    const channelName = `portcullis-policy-${randomUUID()}`;
    this.#channel = new BroadcastChannel(channelName);
    this.#channel.onmessage = (event: unknown) => this.#onControl((event as { data: ControlMessage }).data);
    this.#channel.unref();
    const workerData: PolicyWorkerData = { channel: channelName, initial: initial.spec };
    this.#piscina = new Piscina<EvalRequest, EvalResponse>({
      filename: policyWorkerFile,
      execArgv: policyWorkerExecArgv,
      minThreads: opts.workers,
      maxThreads: opts.workers,
      idleTimeout: Number.POSITIVE_INFINITY,
      // Idle workers must stay responsive to snapshot broadcasts, which Atomics.wait would block;
      // batching makes the per-message cost of the event-based path negligible.
      useAtomics: false,
      workerData,
    });
    // A worker that fails outside a task (at start, say) is reported here, not as an unhandled 'error'
    // event that would end the process; piscina starts a replacement.
    this.#piscina.on('error', (err: unknown) => {
      this.#workerErrorsTotal++;
      this.#lastWorkerError = err instanceof Error ? err.message : String(err);
    });
  }

  /** Resolves once every worker has loaded the initial snapshot. */
  async ready(): Promise<void> {
    const deadline = Date.now() + this.#loadTimeoutMs;
    while (this.#helloThreads.size < this.#workers) {
      if (this.#lastWorkerError !== undefined) throw new PolicyError('policy_load_error', `a policy worker failed to start: ${this.#lastWorkerError}`);
      if (Date.now() > deadline) throw new PolicyError('policy_load_error', `policy workers did not start within ${this.#loadTimeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Version of the bundle new decisions are evaluated against. */
  get version(): string {
    return this.#active.spec.bundleVersion;
  }

  get queueDepth(): number {
    return this.#pending.length;
  }

  get inFlight(): number {
    return this.#inFlightDecisions;
  }

  get decisionLatency(): HistogramSnapshot {
    return this.#latency.snapshot();
  }

  metrics(): PolicyPoolMetrics {
    return {
      queueDepth: this.#pending.length,
      inFlight: this.#inFlightDecisions,
      decisionsTotal: this.#decisionsTotal,
      errorsTotal: this.#errorsTotal,
      overloadsTotal: this.#overloadsTotal,
      batchesTotal: this.#batchesTotal,
      swapsTotal: this.#swapsTotal,
      workerErrorsTotal: this.#workerErrorsTotal,
      timeoutsTotal: this.#timeoutsTotal,
      activeVersion: this.version,
      workers: this.#workers,
      decisionLatency: this.#latency.snapshot(),
    };
  }

  /** One decision from a decision entrypoint (`portcullis/token`, `portcullis/introspect`, …). */
  decide(entrypoint: string, input: unknown): Promise<DecisionResult> {
    return this.#enqueue(entrypoint, input, false) as Promise<DecisionResult>;
  }

  /** One evaluation with its raw OPA result set (for entrypoints that are not decisions). */
  evaluate(entrypoint: string, input: unknown): Promise<EvaluationResult> {
    return this.#enqueue(entrypoint, input, true) as Promise<EvaluationResult>;
  }

  /** Replaces the policy data (`data.oauth_config`) in every worker; resolves once it decides. */
  setData(data: unknown): Promise<void> {
    return this.#serialSwap(async () => {
      const cur = this.#active;
      await this.#activate(cur.spec.bundleVersion, cur.spec.module, cur.baseData, data);
      this.#oauthConfig = data;
    });
  }

  /** Switches every worker to another bundle, keeping the current policy data; old batches finish on the old one. */
  activate(bundle: PolicyBundle): Promise<void> {
    return this.#serialSwap(async () => {
      const module = await compileChecked(bundle, withPolicyData(bundle.data, this.#oauthConfig));
      await this.#activate(bundle.version, module, bundle.data, this.#oauthConfig);
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const pending = this.#pending;
    this.#pending = [];
    for (const p of pending) p.reject(new PolicyError('policy_closed', 'policy pool is closed'));
    await this.#piscina.destroy();
    this.#channel.close();
  }

  // ---- decisions ------------------------------------------------------------------------------

  #enqueue(entrypoint: string, input: unknown, raw: boolean): Promise<DecisionResult | EvaluationResult> {
    if (typeof entrypoint !== 'string' || entrypoint === '' || /[\n\0]/.test(entrypoint)) throw new TypeError('entrypoint must be a non-empty string without newline or NUL');
    if (this.#closed) return Promise.reject(new PolicyError('policy_closed', 'policy pool is closed'));
    if (this.#pending.length >= this.#maxQueue) {
      this.#overloadsTotal++;
      return Promise.reject(new PolicyOverloadError(this.#pending.length, this.#maxQueue));
    }
    // Encoded here, once, so a value JSON cannot carry fails its own caller rather than its whole batch.
    let inputJson: string | undefined;
    if (input instanceof EncodedInput) inputJson = input.json;
    else {
      try {
        inputJson = JSON.stringify(input);
      } catch (err) {
        return Promise.reject(new TypeError(`policy input is not JSON-serialisable: ${err instanceof Error ? err.message : String(err)}`));
      }
    }
    return new Promise((resolve, reject) => {
      this.#pending.push({ entrypoint, inputJson, raw, t0: performance.now(), resolve, reject });
      this.#scheduleFlush();
    });
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // setImmediate, not a microtask: it gathers every request of this event-loop turn into one batch.
    setImmediate(() => {
      this.#flushScheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    while (this.#pending.length > 0 && this.#inFlightBatches < this.#maxInFlightBatches && !this.#closed) {
      // Spread what is waiting over the idle workers (one message each), never more than maxBatch per
      // message; when all are busy, one message waits at a worker for its turn.
      const idle = Math.max(1, this.#workers - this.#inFlightBatches);
      const size = Math.min(this.#maxBatch, Math.ceil(this.#pending.length / idle));
      const batch = this.#pending.splice(0, size);
      this.#send(batch);
    }
  }

  #send(batch: Pending[]): void {
    const spec = this.#active.spec;
    const req: EvalRequest = {
      id: ++this.#batchId,
      bundleVersion: spec.bundleVersion,
      snapshot: spec.key,
      batch: encodeBatch(batch),
    };
    this.#inFlightBatches++;
    this.#inFlightDecisions += batch.length;
    this.#batchesTotal++;
    this.#batchesBySnapshot.set(spec.key, (this.#batchesBySnapshot.get(spec.key) ?? 0) + 1);
    // A worker stuck in evaluation would hold these decisions forever: past the deadline they fail as
    // retryable, and aborting the task makes piscina terminate that worker and start a replacement.
    const abort = new AbortController();
    let settled = false;
    const once = (res: EvalResponse | undefined, err: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      this.#settle(batch, spec, res, err);
    };
    const timer = setTimeout(() => {
      this.#timeoutsTotal++;
      once(undefined, new PolicyError('policy_worker_error', `policy worker did not answer within ${this.#policyTimeoutMs} ms`));
      abort.abort();
    }, this.#policyTimeoutMs);
    this.#piscina.run(req, { signal: abort.signal }).then(
      (res) => once(res, undefined),
      (err: unknown) => once(undefined, err),
    );
  }

  #settle(batch: Pending[], spec: SnapshotSpec, res: EvalResponse | undefined, err: unknown): void {
    this.#inFlightBatches--;
    this.#inFlightDecisions -= batch.length;
    const left = (this.#batchesBySnapshot.get(spec.key) ?? 1) - 1;
    if (left > 0) this.#batchesBySnapshot.set(spec.key, left);
    else {
      this.#batchesBySnapshot.delete(spec.key);
      if (spec.key !== this.#active.spec.key) this.#retire(spec.key);
    }
    const now = performance.now();
    const batchError = err instanceof PolicyError
      ? err
      : err !== undefined
      ? new PolicyError('policy_worker_error', `policy worker failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
      : res?.error ? PolicyError.fromData(res.error) : undefined;
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i] as Pending;
      const latencyUs = (now - p.t0) * 1000;
      this.#latency.observeMicros(latencyUs);
      this.#decisionsTotal++;
      const r = batchError ? undefined : (res?.results[i] as EvalItemResult | undefined);
      if (!r || 'error' in r) {
        this.#errorsTotal++;
        p.reject(batchError ?? (r ? PolicyError.fromData(r.error) : new PolicyError('policy_worker_error', 'policy worker returned no result')));
      } else if (p.raw) {
        p.resolve({ resultSet: r.resultSet, version: spec.bundleVersion, latencyUs });
      } else {
        p.resolve({ result: toDecision(r.resultSet), version: spec.bundleVersion, latencyUs, inputJson: p.inputJson });
      }
    }
    if (this.#pending.length > 0) this.#flush();
  }

  // ---- snapshots --------------------------------------------------------------------------------

  #serialSwap(fn: () => Promise<void>): Promise<void> {
    if (this.#closed) return Promise.reject(new PolicyError('policy_closed', 'policy pool is closed'));
    const next = this.#swapChain.then(fn);
    this.#swapChain = next.catch(() => undefined);
    return next;
  }

  async #activate(bundleVersion: string, module: WebAssembly.Module, baseData: unknown, oauthConfig: unknown): Promise<void> {
    const spec: SnapshotSpec = { key: `${bundleVersion}#${++this.#seq}`, bundleVersion, module, data: withPolicyData(baseData, oauthConfig) };
    this.#specs.set(spec.key, spec);
    this.#loading.add(spec.key);
    try {
      await this.#loadEverywhere(spec);
    } catch (err) {
      this.#retire(spec.key);
      throw err;
    } finally {
      this.#loading.delete(spec.key);
    }
    const old = this.#active.spec.key;
    this.#active = { spec, baseData };
    this.#swapsTotal++;
    if (!this.#batchesBySnapshot.has(old)) this.#retire(old);
  }

  #loadEverywhere(spec: SnapshotSpec): Promise<void> {
    return new Promise((resolve, reject) => {
      const acked = new Set<number>();
      const check = (): boolean => {
        const threads = this.#piscina.threads.map((t) => t.threadId);
        return threads.length > 0 && threads.every((id) => acked.has(id));
      };
      const finish = (err?: unknown): void => {
        clearInterval(poll);
        clearTimeout(timer);
        this.#loadListeners.delete(listener);
        if (err) reject(err);
        else resolve();
      };
      const listener = (msg: Extract<ControlMessage, { kind: 'loaded' }>): void => {
        if (msg.key !== spec.key) return;
        if (msg.error) {
          finish(new PolicyError('policy_load_error', `worker ${msg.threadId} could not load ${spec.bundleVersion}: ${msg.error.message}`));
          return;
        }
        acked.add(msg.threadId);
        if (check()) finish();
      };
      // A worker replaced while we wait never acks; its successor says hello and is sent the snapshot.
      const poll = setInterval(() => {
        if (check()) finish();
      }, 50);
      const timer = setTimeout(
        () => finish(new PolicyError('policy_load_error', `policy ${spec.bundleVersion} was not loaded by every worker within ${this.#loadTimeoutMs} ms`)),
        this.#loadTimeoutMs,
      );
      this.#loadListeners.add(listener);
      this.#channel.postMessage({ kind: 'load', snapshot: spec } satisfies ControlMessage);
    });
  }

  #retire(key: string): void {
    if (!this.#specs.delete(key)) return;
    this.#channel.postMessage({ kind: 'drop', key } satisfies ControlMessage);
  }

  #onControl(msg: ControlMessage): void {
    switch (msg.kind) {
      case 'loaded':
        for (const l of this.#loadListeners) l(msg);
        return;
      case 'hello': {
        this.#helloThreads.add(msg.threadId);
        // A worker started after a swap (a replacement) only knows the initial snapshot: send it the
        // active one, and any a running swap is waiting for every worker to load.
        for (const key of [this.#active.spec.key, ...this.#loading]) {
          const spec = this.#specs.get(key);
          if (spec && !msg.keys.includes(key)) this.#channel.postMessage({ kind: 'load', snapshot: spec } satisfies ControlMessage);
        }
        return;
      }
      case 'need': {
        const spec = this.#specs.get(msg.key);
        if (spec) this.#channel.postMessage({ kind: 'load', snapshot: spec } satisfies ControlMessage);
        return;
      }
      default:
        return;
    }
  }
}

/** Compiles the module and loads it once here with its data, so a bad bundle is refused before any worker sees it. */
async function compileChecked(bundle: PolicyBundle, data: unknown): Promise<WebAssembly.Module> {
  if (!(bundle.wasm instanceof Uint8Array)) throw new TypeError('bundle.wasm must be a Uint8Array');
  if (typeof bundle.version !== 'string' || bundle.version === '') throw new TypeError('bundle.version must be a non-empty string');
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(new Uint8Array(bundle.wasm));
    await loadRegoPolicy(module, data);
  } catch (err) {
    throw new PolicyError('policy_load_error', `bundle ${bundle.version} does not load: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return module;
}

export async function createPolicyPool(opts: PolicyPoolOptions): Promise<PolicyPool> {
  const workers = opts.workers ?? Math.max(1, availableParallelism() - 1);
  if (!Number.isInteger(workers) || workers < 1) throw new TypeError('workers must be a positive integer');
  const module = await compileChecked(opts.bundle, opts.bundle.data ?? {});
  const spec: SnapshotSpec = { key: `${opts.bundle.version}#0`, bundleVersion: opts.bundle.version, module, data: opts.bundle.data ?? {} };
  const pool = new PolicyPool(
    { spec, baseData: opts.bundle.data },
    {
      workers,
      maxQueue: opts.maxQueue ?? 10_000,
      maxBatch: opts.maxBatch ?? 64,
      batchesPerWorker: opts.batchesPerWorker ?? 2,
      loadTimeoutMs: opts.loadTimeoutMs ?? 30_000,
      policyTimeoutMs: opts.policyTimeoutMs ?? 2000,
    },
  );
  try {
    await pool.ready();
  } catch (err) {
    await pool.close();
    throw err;
  }
  return pool;
}
