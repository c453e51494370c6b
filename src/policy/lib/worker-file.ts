// Where the policy worker's entry point is: `dist/workers/policy.js` after `npm run build`; from the
// TypeScript sources (dev, tests) `workers/policy-from-source.mjs`, which registers tsx inside the worker
// thread and serves `workers/policy.ts`.
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

const fromSource = extname(fileURLToPath(import.meta.url)) === '.ts';

/** Absolute path of the worker entry point. */
export const policyWorkerFile: string = fileURLToPath(
  new URL(fromSource ? '../../../workers/policy-from-source.mjs' : '../../../workers/policy.js', import.meta.url),
);

/**
 * `execArgv` for the worker threads: only the parent's profiling flags (`--cpu-prof…`, `--heap-prof…`,
 * so `npm run bench -- token --profile` sees the workers too). Not its loaders (tap's, tsx's): on Node 20
 * `--import tsx` here would not reach the worker's entry module anyway.
 */
export const policyWorkerExecArgv: string[] = process.execArgv.filter((a) => /^--(cpu|heap)-prof/.test(a));
