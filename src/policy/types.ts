// Shapes shared by the policy pool (main thread) and its workers (workers/policy.ts): bundles,
// decisions, and the typed messages that cross the thread boundary. Errors cross as data.

/** A policy bundle as the pool takes it: `policy.wasm`, base `data.json`, and a version label. */
export interface PolicyBundle {
  wasm: Uint8Array;
  data?: unknown;
  version: string;
}

/** One obligation a decision attaches to a token or an introspection (e.g. `{type: "audit"}`). */
export interface Obligation {
  type: string;
  [field: string]: unknown;
}

/**
 * A policy decision, normalised: the PBAC entrypoints return objects of this shape. An entrypoint that
 * returns a bare boolean is read as `{allow}`; one that is undefined is a denial with reason
 * `policy_undefined`.
 */
export interface Decision {
  allow: boolean;
  scopes?: string[];
  /** Seconds. */
  ttl?: number;
  jit_single_use?: boolean;
  obligations?: Obligation[];
  reason?: string;
  /** For the `authorize` phase: the identity provider to use. */
  idp?: string;
  [field: string]: unknown;
}

export interface DecisionResult {
  result: Decision;
  /** Version of the bundle that decided. */
  version: string;
  /** From `decide()` to the answer, queueing included, in microseconds. */
  latencyUs: number;
  /** The input as the pool encoded it for the worker (JSON), so a recorder need not encode it again. */
  inputJson?: string | undefined;
}

/** The raw OPA result set of one evaluation (`[{result: …}]`, or `[]` when undefined). */
export interface EvaluationResult {
  resultSet: { result: unknown }[];
  version: string;
  latencyUs: number;
}

/** Codes of errors that travel as data from workers, or are raised by the pool. */
export type PolicyErrorCode =
  | 'policy_overloaded'
  | 'policy_closed'
  | 'policy_load_error'
  | 'policy_snapshot_missing'
  | 'policy_unknown_entrypoint'
  | 'policy_eval_error'
  | 'policy_worker_error';

export interface PolicyErrorData {
  code: PolicyErrorCode;
  message: string;
  /** The Rego evaluation error code, when evaluation failed (eval_conflict_error, …). */
  evalCode?: string;
}

// ---- worker messages ---------------------------------------------------------------------------

/** One decision in a batch. */
export interface EvalItem {
  entrypoint: string;
  /** The input as a value; ignored when `inputJson` is set. */
  input?: unknown;
  /**
   * The input as JSON text, encoded by the pool: a string crosses the thread boundary for a memcpy where
   * a structured clone of the same object costs several times a JSON.stringify, and the worker hands it
   * to the Wasm module as it is.
   */
  inputJson?: string;
}

/** A batch of decisions, all to be evaluated against one snapshot. */
export interface EvalRequest {
  id: number;
  bundleVersion: string;
  /** Snapshot key: bundle version plus policy-data revision; the worker evaluates against exactly it. */
  snapshot: string;
  /**
   * The decisions as one string (./lib/batch-wire.ts): `<entrypoint>\n<input JSON>` per decision, joined
   * by NUL. One string crosses to the worker as a copy; an array of objects is cloned field by field,
   * which cost the pool's thread more than anything else it does per decision.
   */
  batch: string;
}

export type EvalItemResult = { resultSet: { result: unknown }[] } | { error: PolicyErrorData };

export interface EvalResponse {
  id: number;
  /** One per decision of the batch, in order; empty when `error` is set. */
  results: EvalItemResult[];
  /** A failure of the whole batch (e.g. the snapshot could not be loaded). */
  error: PolicyErrorData | null;
}

/** What a worker needs to load one snapshot. */
export interface SnapshotSpec {
  key: string;
  bundleVersion: string;
  module: WebAssembly.Module;
  data: unknown;
}

/** Control messages on the pool's BroadcastChannel (main → workers, workers → main). */
export type ControlMessage =
  | { kind: 'load'; snapshot: SnapshotSpec }
  | { kind: 'drop'; key: string }
  | { kind: 'loaded'; key: string; threadId: number; error: PolicyErrorData | null }
  | { kind: 'need'; key: string; threadId: number }
  | { kind: 'hello'; threadId: number; keys: string[] };

/** `workerData` of a policy worker. */
export interface PolicyWorkerData {
  channel: string;
  initial: SnapshotSpec;
}
