// Build: the Rego runtime (AssemblyScript → build/rego-runtime.wasm) and the TypeScript (→ dist/).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './ensure.mjs';

function step(name, cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root });
  if (r.status !== 0) {
    console.error(`build: ${name} failed`);
    process.exit(1);
  }
}

if (existsSync(join(root, 'scripts', 'build-runtime.mjs'))) {
  step('rego runtime', process.execPath, [join(root, 'scripts', 'build-runtime.mjs')]);
}
step('typescript', process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json']);
