// Asks the policy pool for a decision: names it with an id, reads it defensively, times it, records it
// in the audit log when one is given, and maps pool failures to errors the edge understands (503 when
// retrying may help).
import { randomUUID } from 'node:crypto';
import { unavailable } from '../bus/index.js';
import { type Decided, OAuthError, type PolicyInput, normalizeDecision } from '../oauth/index.js';
import { EncodedInput } from '../policy/encoded-input.js';

/** The part of src/policy's PolicyPool the actors use. */
export interface DecisionPool {
  decide(entrypoint: string, input: unknown): Promise<{ result: unknown; version: string; latencyUs: number; inputJson?: string | undefined }>;
  setData(data: unknown): Promise<void>;
}

export const entrypoints = { token: 'portcullis/token', introspect: 'portcullis/introspect', register: 'portcullis/register' } as const;
export type DecisionPhase = keyof typeof entrypoints;

export interface DecisionObserver {
  (phase: DecisionPhase, outcome: 'allow' | 'deny' | 'error', latencyUs: number): void;
}

/** What the Decider hands the audit log (src/audit's AuditLog has this shape); `record` must not block. */
export interface DecisionRecorder {
  record(e: {
    phase: DecisionPhase;
    outcome: 'allow' | 'deny' | 'error';
    input: unknown;
    /** The input as the pool's JSON text, when it has it: recorded as is, not encoded again. */
    inputJson?: string | undefined;
    /** Given when `input` is an EncodedInput (the log cannot read it from the input). */
    clientId?: string | null;
    output: unknown;
    policyVersion: string | null;
    latencyUs: number;
    decisionId: string;
    requestId: string | null;
  }): unknown;
}

export class Decider {
  readonly #pool: DecisionPool;
  readonly #observe: DecisionObserver | undefined;
  readonly #audit: DecisionRecorder | undefined;

  constructor(pool: DecisionPool, observe?: DecisionObserver, audit?: DecisionRecorder) {
    this.#pool = pool;
    this.#observe = observe;
    this.#audit = audit;
  }

  /** `input`: an object, or already JSON text (EncodedInput) when the caller keeps its parts encoded. */
  async decide(phase: DecisionPhase, input: PolicyInput | EncodedInput): Promise<Decided> {
    // Named before it is made, so the audit record and the answer carry the same id.
    const decisionId = randomUUID();
    const t0 = performance.now();
    let out: { result: unknown; version: string; latencyUs: number; inputJson?: string | undefined };
    try {
      out = await this.#pool.decide(entrypoints[phase], input);
    } catch (err) {
      const latencyUs = (performance.now() - t0) * 1000;
      this.#observe?.(phase, 'error', latencyUs);
      const e = err as { code?: unknown; message?: unknown } | null;
      this.#audit?.record({
        phase,
        outcome: 'error',
        ...auditedInput(input),
        output: { error: { code: typeof e?.code === 'string' ? e.code : 'error', message: typeof e?.message === 'string' ? e.message : String(err) } },
        policyVersion: null,
        latencyUs,
        decisionId,
        requestId: requestIdOf(input),
      });
      if (isEvalError(err)) throw new OAuthError('server_error', 'policy evaluation failed', { status: 500, cause: err });
      throw unavailable('policy workers are unavailable', err);
    }
    const decision = normalizeDecision(out.result);
    const outcome = decision.allow ? 'allow' : 'deny';
    this.#observe?.(phase, outcome, out.latencyUs);
    this.#audit?.record({ phase, outcome, ...auditedInput(input), inputJson: out.inputJson, output: out.result, policyVersion: out.version, latencyUs: out.latencyUs, decisionId, requestId: requestIdOf(input) });
    const decided: Decided = { decision, decisionId, version: out.version };
    if (out.inputJson !== undefined) decided.inputJson = out.inputJson;
    return decided;
  }
}

/** The id the frontend gave the HTTP request (`input.context.environment.request_id`), if any. */
function requestIdOf(input: PolicyInput | EncodedInput): string | null {
  if (input instanceof EncodedInput) return input.requestId;
  return input.context?.environment?.request_id ?? null;
}

/** The input as the audit log takes it: an encoded one as its text, with the client id it cannot read from it. */
function auditedInput(input: PolicyInput | EncodedInput): { input: unknown; inputJson?: string; clientId?: string | null } {
  return input instanceof EncodedInput ? { input: undefined, inputJson: input.json, clientId: input.clientId } : { input };
}

function isEvalError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && (err.code === 'policy_eval_error' || err.code === 'policy_unknown_entrypoint');
}
