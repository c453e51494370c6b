// `npm test`: set up what a fresh machine lacks, type-check, then run every tap test.
import { spawnSync } from 'node:child_process';
import { build, ensureDependencies, ensureNatsServer, ensureNginx, root } from './ensure.mjs';

ensureDependencies();
ensureNatsServer();
ensureNginx();
build(); // includes the type-check (tsc) and the Rego runtime
const args = process.argv.slice(2);
const r = spawnSync(process.execPath, [`${root}/node_modules/tap/dist/esm/run.mjs`, ...args], {
  stdio: 'inherit',
  cwd: root,
});
process.exit(r.status ?? 1);
