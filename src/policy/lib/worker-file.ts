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
 * `execArgv` for the worker threads. Empty on purpose: a worker must not inherit the parent's loaders
 * (tap's, tsx's CLI flags), and on Node 20 `--import tsx` here would not reach the entry module anyway.
 */
export const policyWorkerExecArgv: string[] = [];
