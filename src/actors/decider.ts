// Asks the policy pool for a decision: names it with an id, reads it defensively, times it, and maps
// pool failures to errors the edge understands (503 when retrying may help).
import { randomUUID } from 'node:crypto';
import { unavailable } from '../bus/index.js';
import { type Decided, OAuthError, type PolicyInput, normalizeDecision } from '../oauth/index.js';

/** The part of src/policy's PolicyPool the actors use. */
export interface DecisionPool {
  decide(entrypoint: string, input: unknown): Promise<{ result: unknown; version: string; latencyUs: number }>;
  setData(data: unknown): Promise<void>;
}

export const entrypoints = { token: 'portcullis/token', introspect: 'portcullis/introspect', register: 'portcullis/register' } as const;
export type DecisionPhase = keyof typeof entrypoints;

export interface DecisionObserver {
  (phase: DecisionPhase, outcome: 'allow' | 'deny' | 'error', latencyUs: number): void;
}

export class Decider {
  readonly #pool: DecisionPool;
  readonly #observe: DecisionObserver | undefined;

  constructor(pool: DecisionPool, observe?: DecisionObserver) {
    this.#pool = pool;
    this.#observe = observe;
  }

  async decide(phase: DecisionPhase, input: PolicyInput): Promise<Decided> {
    const t0 = performance.now();
    let out: { result: unknown; version: string; latencyUs: number };
    try {
      out = await this.#pool.decide(entrypoints[phase], input);
    } catch (err) {
      this.#observe?.(phase, 'error', (performance.now() - t0) * 1000);
      if (isEvalError(err)) throw new OAuthError('server_error', 'policy evaluation failed', { status: 500, cause: err });
      throw unavailable('policy workers are unavailable', err);
    }
    const decision = normalizeDecision(out.result);
    this.#observe?.(phase, decision.allow ? 'allow' : 'deny', out.latencyUs);
    return { decision, decisionId: randomUUID(), version: out.version };
  }
}

function isEvalError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && (err.code === 'policy_eval_error' || err.code === 'policy_unknown_entrypoint');
}
