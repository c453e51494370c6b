// Policy worker (a piscina thread): holds policy snapshots — an OPA Wasm module instance with its data —
// by key, evaluates batches of decisions against exactly the snapshot a batch names, and loads or drops
// snapshots when the pool broadcasts them. Holding two at once is what makes a swap atomic: batches sent
// before the switch finish on the old snapshot while new ones use the new.
import { BroadcastChannel, threadId, workerData } from 'node:worker_threads';
import { loadRegoPolicy, RegoEvalError, type RegoPolicy } from '../src/rego/load.js';
import { decodeBatch } from '../src/policy/lib/batch-wire.js';
import type {
  ControlMessage,
  EvalItem,
  EvalItemResult,
  EvalRequest,
  EvalResponse,
  PolicyErrorData,
  PolicyWorkerData,
  SnapshotSpec,
} from '../src/policy/types.js';

/** How long a batch waits for a snapshot this worker has not received yet (it asks the pool again). */
const snapshotWaitMs = 10_000;

interface Snapshot {
  key: string;
  bundleVersion: string;
  policy: RegoPolicy;
}

const config = workerData as PolicyWorkerData;
const snapshots = new Map<string, Snapshot>();
const loading = new Map<string, Promise<PolicyErrorData | null>>();
const waiters = new Map<string, Array<(s: Snapshot | undefined) => void>>();
const channel = new BroadcastChannel(config.channel);

function post(msg: ControlMessage): void {
  channel.postMessage(msg);
}

function errorData(code: PolicyErrorData['code'], err: unknown): PolicyErrorData {
  if (err instanceof RegoEvalError) return { code, message: err.message, evalCode: err.code };
  return { code, message: err instanceof Error ? err.message : String(err) };
}

function load(spec: SnapshotSpec): Promise<PolicyErrorData | null> {
  if (snapshots.has(spec.key)) return Promise.resolve(null);
  let p = loading.get(spec.key);
  if (!p) {
    p = loadRegoPolicy(spec.module, spec.data).then(
      (policy) => {
        const snap = { key: spec.key, bundleVersion: spec.bundleVersion, policy };
        snapshots.set(spec.key, snap);
        for (const w of waiters.get(spec.key) ?? []) w(snap);
        waiters.delete(spec.key);
        return null;
      },
      (err: unknown) => errorData('policy_load_error', err),
    );
    p.finally(() => loading.delete(spec.key)).catch(() => undefined);
    loading.set(spec.key, p);
  }
  return p;
}

channel.onmessage = (event: unknown) => {
  const msg = (event as { data: ControlMessage }).data;
  if (msg.kind === 'load') {
    void load(msg.snapshot).then((error) => post({ kind: 'loaded', key: msg.snapshot.key, threadId, error }));
  } else if (msg.kind === 'drop') {
    snapshots.delete(msg.key);
  }
};
// The channel must not keep an otherwise finished worker alive; piscina's task port does that.
channel.unref();

function awaitSnapshot(key: string): Promise<Snapshot | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      const list = waiters.get(key) ?? [];
      const i = list.indexOf(done);
      if (i >= 0) list.splice(i, 1);
      resolve(undefined);
    }, snapshotWaitMs);
    function done(s: Snapshot | undefined): void {
      clearTimeout(timer);
      resolve(s);
    }
    const list = waiters.get(key) ?? [];
    list.push(done);
    waiters.set(key, list);
    post({ kind: 'need', key, threadId });
  });
}

const initialError = await load(config.initial);
if (initialError) throw new Error(`policy worker ${threadId}: ${initialError.message}`);
post({ kind: 'hello', threadId, keys: [...snapshots.keys()] });

function evaluateOne(policy: RegoPolicy, item: EvalItem): EvalItemResult {
  const entrypoint = item.entrypoint;
  if (!Object.hasOwn(policy.entrypoints, entrypoint)) {
    return { error: { code: 'policy_unknown_entrypoint', message: `unknown entrypoint '${entrypoint}'` } };
  }
  try {
    return { resultSet: item.inputJson !== undefined ? policy.evaluateJson(item.inputJson, entrypoint) : policy.evaluate(item.input, entrypoint) };
  } catch (err) {
    return { error: errorData('policy_eval_error', err) };
  }
}

/** The piscina task: one batch, evaluated against the one snapshot it names. */
export default async function evaluateBatch(req: EvalRequest): Promise<EvalResponse> {
  const snap = snapshots.get(req.snapshot) ?? (await awaitSnapshot(req.snapshot));
  if (!snap) {
    return {
      id: req.id,
      results: [],
      error: { code: 'policy_snapshot_missing', message: `policy snapshot ${req.snapshot} is not loaded in worker ${threadId}` },
    };
  }
  const items = decodeBatch(req.batch);
  const results = new Array<EvalItemResult>(items.length);
  for (let i = 0; i < items.length; i++) {
    results[i] = evaluateOne(snap.policy, items[i] as EvalItem);
  }
  return { id: req.id, results, error: null };
}
