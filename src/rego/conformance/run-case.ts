// Runs one conformance case: the query becomes a rule of a synthetic package — a partial set of the
// query's bindings — compiled with the case's modules, loaded through loadRegoPolicy, and judged as OPA's
// runner judges it (result sets, definedness, error code and message).
import { formatDiagnostic } from '../ast/types.js';
import { compileRego } from '../index.js';
import { loadRegoPolicy, RegoEvalError } from '../load.js';
import type { ConformanceCase } from './cases.js';
import { canonical, sameResultSet } from './compare.js';
import { wrapCase } from './wrap.js';

export type CaseStatus = 'pass' | 'fail' | 'unsupported';

export interface CaseOutcome {
  status: CaseStatus;
  /** Why it failed, or how it passed when worth saying (e.g. only up to the order of lists). */
  reason?: string;
  ms: number;
}

/** Bounds a runaway case: 64 MiB of linear memory. */
const MAX_PAGES = 1024;

export async function runCase(tc: ConformanceCase): Promise<CaseOutcome> {
  const start = performance.now();
  const outcome = await judge(tc);
  return { ...outcome, ms: performance.now() - start };
}

async function judge(tc: ConformanceCase): Promise<Omit<CaseOutcome, 'ms'>> {
  const w = wrapCase(tc);
  if ('error' in w) return { status: 'fail', reason: w.error };
  const { files, input, hasInput, entrypoint, bindVar } = w;
  const compiled = compileRego({ files, entrypoints: [entrypoint], regoVersion: tc.regoVersion ?? 1, strictBuiltinErrors: tc.strictError, ...(tc.data ? { data: tc.data } : {}) });

  const wantsError = tc.wantErrorCode !== undefined || tc.wantError !== undefined;
  if (!compiled.wasm) {
    const unsupported = compiled.diagnostics.find((d) => d.code === 'rego_unsupported_error');
    if (unsupported) return { status: 'unsupported', reason: `unsupported: ${unsupported.message} (${unsupported.location.file}:${unsupported.location.line})` };
    const text = compiled.diagnostics.map(formatDiagnostic).join('; ') || 'no module produced';
    if (wantsError && compiled.diagnostics.some((d) => errorMatches(tc, d.code, d.message))) return { status: 'pass' };
    return { status: 'fail', reason: `compile: ${text}` };
  }

  let results: unknown[];
  try {
    const policy = await loadRegoPolicy(compiled.wasm, tc.data ?? {}, { memory: { initial: 5, maximum: MAX_PAGES }, strictBuiltinErrors: tc.strictError });
    const rs = policy.evaluate(hasInput ? input : undefined, entrypoint);
    if (bindVar !== undefined) results = rs.map((r) => ({ [bindVar]: r.result }));
    else {
      const value = rs[0]?.result;
      results = Array.isArray(value) ? value : [];
    }
  } catch (err) {
    if (err instanceof RegoEvalError) {
      if (wantsError) {
        return errorMatches(tc, err.code, err.message)
          ? { status: 'pass' }
          : { status: 'fail', reason: `error ${err.code}: ${err.message}; want ${tc.wantErrorCode ?? ''} ${tc.wantError ?? ''}`.trim() };
      }
      return { status: 'fail', reason: `unexpected error ${err.code}: ${err.message}` };
    }
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return { status: 'fail', reason: `trap: ${message}` };
  }

  if (tc.wantResult !== undefined) {
    if (sameResultSet(tc.wantResult, results, tc.sortBindings)) return { status: 'pass' };
    if (!tc.sortBindings && sameResultSet(tc.wantResult, results, true)) {
      // Rego sets come back as JSON arrays in the runtime's own order; OPA prints them sorted.
      return { status: 'pass', reason: 'equal up to the order of lists' };
    }
    return { status: 'fail', reason: `got ${short(results)}, want ${short(tc.wantResult)}` };
  }
  if (tc.wantDefined !== undefined) {
    return results.length > 0 === tc.wantDefined ? { status: 'pass' } : { status: 'fail', reason: `defined: ${results.length > 0}, want ${tc.wantDefined}` };
  }
  if (wantsError && tc.strictError) return { status: 'fail', reason: `strict builtin error not raised; want${tc.wantErrorCode ? ` ${tc.wantErrorCode}` : ''}${tc.wantError ? ` ${tc.wantError}` : ''}` };
  if (wantsError) return { status: 'fail', reason: `no error; want ${tc.wantErrorCode ?? ''} ${tc.wantError ?? ''}`.trim() };
  return { status: 'pass' };
}

function errorMatches(tc: ConformanceCase, code: string, message: string): boolean {
  if (tc.wantErrorCode !== undefined && tc.wantErrorCode !== code) return false;
  if (tc.wantError !== undefined && !`${code}: ${message}`.includes(withoutLocation(tc.wantError))) return false;
  return true;
}

/**
 * `want_error` without a leading `file:line: ` (`test-0.rego:4: eval_type_error: …`). OPA's runner
 * names the case's modules test-N.rego and its errors carry that location; ours come from a different
 * wrapping (and Wasm has no source positions at run time), so only the code and message are compared.
 */
export function withoutLocation(wantError: string): string {
  return wantError.replace(/^[^\s:]+\.rego:\d+(?::\d+)?: /, '');
}

function short(v: unknown): string {
  const s = canonical(v, false);
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}
