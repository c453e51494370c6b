// The conformance runner: every case of a directory of OPA YAML test cases through our compiler and the
// real SDK, with known gaps marked from an exceptions file — never skipped.
import { readFileSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { loadCases, type ConformanceCase } from './cases.js';
import type { CaseOutcome, CaseStatus } from './run-case.js';
import type { WorkerReply, WorkerRequest } from './worker.js';

export { loadCases, type ConformanceCase } from './cases.js';
export { canonical, sameResultSet, sameUnordered } from './compare.js';
export { runCase, type CaseOutcome, type CaseStatus } from './run-case.js';

export interface CaseReport {
  note: string;
  file: string;
  category: string;
  status: CaseStatus;
  reason?: string;
  /** Reason from the exceptions file when the case is a known gap. */
  known?: string;
  ms: number;
}

export interface ConformanceReport {
  passed: number;
  failed: number;
  /** Of the failed: compiled to `rego_unsupported_error`. */
  unsupported: number;
  /** Cases listed as exceptions that now pass (remove them from the file). */
  unexpectedPasses: string[];
  cases: CaseReport[];
  ms: number;
}

export interface RunOptions {
  casesDir: string;
  /** JSON object `{ "<note>": "<reason>" }`; listed cases that fail are marked known. */
  exceptions?: Record<string, string>;
  /** A case running longer is stopped and failed; default 10 s. */
  caseTimeoutMs?: number;
  /** Only cases whose note or file contains this text. */
  filter?: string;
  /**
   * Rego version the modules are parsed with; default 1. OPA keeps its v0-syntax cases in a tree of their
   * own (test/cases/testdata/v0) and parses each tree with one version; 0 runs such a tree.
   */
  regoVersion?: 0 | 1;
  onCase?: (c: CaseReport) => void;
}

export function readExceptions(file: string): Record<string, string> {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new TypeError(`${file}: expected an object of note → reason`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (!k.startsWith('//') && typeof v === 'string') out[k] = v;
  return out;
}

export async function runConformance(options: RunOptions): Promise<ConformanceReport> {
  const start = performance.now();
  let cases = loadCases(options.casesDir);
  if (options.filter) cases = cases.filter((c) => c.note.includes(options.filter as string) || c.file.includes(options.filter as string));
  if (options.regoVersion === 0) cases = cases.map((c) => ({ ...c, regoVersion: 0 }));
  const outcomes = await runInWorker(cases, options.caseTimeoutMs ?? 10_000);
  const reports: CaseReport[] = cases.map((c, i) => {
    const o = outcomes[i] as CaseOutcome;
    const known = options.exceptions?.[c.note];
    const r: CaseReport = { note: c.note, file: c.file, category: c.category, status: o.status, ms: o.ms };
    if (o.reason) r.reason = o.reason;
    if (known !== undefined && o.status !== 'pass') r.known = known;
    return r;
  });
  if (options.onCase) reports.forEach(options.onCase);
  const passed = reports.filter((r) => r.status === 'pass').length;
  return {
    passed,
    failed: reports.length - passed,
    unsupported: reports.filter((r) => r.status === 'unsupported').length,
    unexpectedPasses: reports.filter((r) => r.status === 'pass' && options.exceptions?.[r.note] !== undefined).map((r) => r.note),
    cases: reports,
    ms: performance.now() - start,
  };
}

const here = dirname(fileURLToPath(import.meta.url));
const ext = extname(fileURLToPath(import.meta.url));

/** Runs the cases in one worker; a case that hangs or kills the worker is failed and the rest go on. */
function runInWorker(cases: readonly ConformanceCase[], timeoutMs: number): Promise<CaseOutcome[]> {
  const outcomes: CaseOutcome[] = new Array(cases.length);
  return new Promise((resolve, reject) => {
    let next = 0;
    const startWorker = (): void => {
      if (next >= cases.length) {
        resolve(outcomes);
        return;
      }
      const worker = startCaseWorker();
      let ready = false;
      let done = false;
      let timer: NodeJS.Timeout | undefined;
      const fail = (reason: string): void => {
        if (done) return;
        done = true;
        if (timer) clearTimeout(timer);
        if (!ready) {
          // The worker died before loading the compiler: no case can run, so say why once.
          void worker.terminate();
          reject(new Error(`conformance worker failed to start: ${reason}`));
          return;
        }
        outcomes[next] = { status: 'fail', reason, ms: timeoutMs };
        next++;
        void worker.terminate().then(startWorker, reject);
      };
      const arm = (): void => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => fail(`timeout: no result within ${timeoutMs} ms`), timeoutMs);
      };
      worker.on('message', (reply: WorkerReply | 'ready') => {
        if (reply === 'ready') {
          ready = true;
          return;
        }
        outcomes[reply.index] = reply.outcome;
        next = reply.index + 1;
        if (next >= cases.length) {
          done = true;
          if (timer) clearTimeout(timer);
          void worker.terminate().then(() => resolve(outcomes), reject);
          return;
        }
        arm();
      });
      worker.on('error', (err) => fail(`crash: ${err.message}`));
      worker.on('exit', (code) => fail(`crash: worker exited with code ${code}`));
      const batch: WorkerRequest = cases.slice(next).map((c, i) => ({ index: next + i, case: c }));
      worker.postMessage(batch);
      arm();
    };
    startWorker();
  });
}

/**
 * A worker running worker.ts. Under a TypeScript loader (tsx, tap) the loader's hooks do not reach
 * worker threads, so the worker registers tsx itself before importing a .ts entry point.
 */
function startCaseWorker(): Worker {
  const url = new URL(`./worker${ext}`, `file://${here}/`).href;
  const tsx = ext === '.ts' ? import.meta.resolve('tsx/esm/api') : '';
  const boot = `(async () => {
    const { workerData } = require('node:worker_threads');
    if (workerData.tsx) (await import(workerData.tsx)).register();
    await import(workerData.url);
  })().catch((err) => { throw err; });`;
  return new Worker(boot, { eval: true, workerData: { url, tsx } });
}

/** Per-category table and the closing `N passed, N failed` line. */
export function formatReport(report: ConformanceReport): string {
  const byCat = new Map<string, { pass: number; fail: number; unsupported: number; known: number }>();
  for (const c of report.cases) {
    const row = byCat.get(c.category) ?? { pass: 0, fail: 0, unsupported: 0, known: 0 };
    if (c.status === 'pass') row.pass++;
    else {
      row.fail++;
      if (c.status === 'unsupported') row.unsupported++;
      if (c.known !== undefined) row.known++;
    }
    byCat.set(c.category, row);
  }
  const lines = [`${'category'.padEnd(24)} ${'pass'.padStart(5)} ${'fail'.padStart(5)} ${'unsup'.padStart(6)} ${'known'.padStart(6)}`];
  for (const [cat, r] of [...byCat].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`${cat.padEnd(24)} ${String(r.pass).padStart(5)} ${String(r.fail).padStart(5)} ${String(r.unsupported).padStart(6)} ${String(r.known).padStart(6)}`);
  }
  lines.push('');
  for (const c of report.cases) {
    if (c.status === 'pass') continue;
    lines.push(`FAIL ${c.note} (${c.file})${c.known !== undefined ? ` [known: ${c.known}]` : ''}: ${c.reason ?? ''}`);
  }
  for (const n of report.unexpectedPasses) lines.push(`PASS (listed as exception — remove it): ${n}`);
  lines.push(`${report.passed} passed, ${report.failed} failed`);
  return lines.join('\n');
}
