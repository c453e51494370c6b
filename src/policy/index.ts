// Public face of the policy plane: the worker pool that evaluates OPA Wasm decisions, and the default
// PBAC bundle.
export { compilePolicyDir, defaultPolicyDir, loadDefaultBundle, pbacEntrypoints } from './bundle.js';
export { EncodedInput } from './encoded-input.js';
export { PolicyError, PolicyOverloadError } from './errors.js';
export type { HistogramSnapshot } from './lib/histogram.js';
export { createPolicyPool, PolicyPool, toDecision, type PolicyPoolMetrics, type PolicyPoolOptions } from './pool.js';
export type {
  Decision,
  DecisionResult,
  EvalItem,
  EvalItemResult,
  EvalRequest,
  EvalResponse,
  EvaluationResult,
  Obligation,
  PolicyBundle,
  PolicyErrorCode,
  PolicyErrorData,
} from './types.js';
