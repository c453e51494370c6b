// Dev/test entry of the policy worker when the pool runs from TypeScript sources: registers tsx's ESM
// loader in this thread, then serves workers/policy.ts. (On Node 20, `execArgv: ['--import', 'tsx']`
// does not reach a worker's own entry module — it fails with ERR_UNKNOWN_FILE_EXTENSION — but a loader
// registered from inside the thread does.) After `npm run build` the pool uses dist/workers/policy.js.
import { register } from 'tsx/esm/api';

register();
const worker = await import('./policy.ts');
export default worker.default;
