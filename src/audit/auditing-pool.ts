// A policy pool that records every decision it makes in the audit log: a drop-in for any pool, for tools
// and tests that evaluate without the actors. It knows no decision or request id; the server gives the
// actors' Decider the AuditLog instead (its `audit` argument), which records those too.
import type { AuditLog } from './audit-log.js';
import { type AuditOutcome, type AuditPhase, auditPhases } from './names.js';

export interface DecidingPool {
  decide(entrypoint: string, input: unknown): Promise<{ result: unknown; version: string; latencyUs: number; inputJson?: string | undefined }>;
  setData(data: unknown): Promise<void>;
}

/** The phase of a decision: the input's `phase`, else the entrypoint's last segment (`portcullis/token`). */
export function phaseOf(entrypoint: string, input: unknown): AuditPhase {
  const p = (input as { phase?: unknown } | null)?.phase;
  if (typeof p === 'string' && (auditPhases as readonly string[]).includes(p)) return p as AuditPhase;
  const last = entrypoint.slice(entrypoint.lastIndexOf('/') + 1);
  return (auditPhases as readonly string[]).includes(last) ? (last as AuditPhase) : 'token';
}

export function outcomeOf(result: unknown): AuditOutcome {
  return (result as { allow?: unknown } | null)?.allow === true ? 'allow' : 'deny';
}

/** `pool` with `decide` recording each decision; everything else (close, metrics, version…) is the pool's own. */
export function auditingPool<P extends DecidingPool>(pool: P, audit: AuditLog): P {
  const decide: DecidingPool['decide'] = async (entrypoint, input) => {
    const t0 = performance.now();
    try {
      const r = await pool.decide(entrypoint, input);
      audit.record({ phase: phaseOf(entrypoint, input), outcome: outcomeOf(r.result), input, inputJson: r.inputJson, output: r.result, policyVersion: r.version, latencyUs: r.latencyUs });
      return r;
    } catch (err) {
      const e = err as { code?: unknown; message?: unknown };
      audit.record({
        phase: phaseOf(entrypoint, input),
        outcome: 'error',
        input,
        output: { error: { code: typeof e?.code === 'string' ? e.code : 'error', message: typeof e?.message === 'string' ? e.message : String(err) } },
        policyVersion: null,
        latencyUs: (performance.now() - t0) * 1000,
      });
      throw err;
    }
  };
  // A Proxy rather than a subclass or prototype copy: the pool's methods use private fields, so they
  // must run with the pool itself as `this`.
  return new Proxy(pool, {
    get(target, prop) {
      if (prop === 'decide') return decide;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
