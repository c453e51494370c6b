// Runs a TypeScript entry point with tsx (used by npm scripts that take arguments: conformance, bench).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from './ensure.mjs';

const [entry, ...args] = process.argv.slice(2);
const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, entry), ...args], { stdio: 'inherit' });
process.exit(r.status ?? 1);
