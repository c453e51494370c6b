// Set-up steps shared by `npm start`, `npm test` and `.ci/run`: dependencies, nats-server, build.
// Each step is skipped when its result is already there, so a warm checkout starts at once.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) {
    console.error(`portcullis: '${cmd} ${args.join(' ')}' failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

export function ensureDependencies() {
  const lock = join(root, 'package-lock.json');
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (existsSync(marker) && existsSync(lock) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.error('portcullis: installing dependencies (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

export function hasNatsServer() {
  return spawnSync('nats-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

export function ensureNatsServer() {
  if (hasNatsServer()) return;
  console.error('portcullis: nats-server not found; installing it with apt-get');
  if (process.getuid && process.getuid() !== 0) {
    console.error('portcullis: not root — install it yourself: sudo apt-get install -y nats-server');
    process.exit(1);
  }
  const update = spawnSync('apt-get', ['update'], { stdio: 'inherit' });
  if (update.status !== 0) console.error('portcullis: apt-get update failed; trying install anyway');
  run('apt-get', ['install', '-y', 'nats-server']);
}

/** nginx is needed only by the forward-auth test (nginx `auth_request` in front of Portcullis). */
export function ensureNginx() {
  if (spawnSync('nginx', ['-v'], { stdio: 'ignore' }).status === 0) return;
  if (spawnSync('/usr/sbin/nginx', ['-v'], { stdio: 'ignore' }).status === 0) return;
  if (process.getuid && process.getuid() !== 0) {
    console.error('portcullis: nginx not found and not root; the forward-auth test will be skipped');
    return;
  }
  console.error('portcullis: installing nginx with apt-get (for the forward-auth test)');
  const r = spawnSync('apt-get', ['install', '-y', 'nginx'], { stdio: 'inherit' });
  if (r.status !== 0) console.error('portcullis: apt-get install nginx failed; the forward-auth test will be skipped');
}

export function build() {
  run(process.execPath, [join(root, 'scripts', 'build.mjs')]);
}

export function natsVersion() {
  try {
    return execFileSync('nats-server', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'absent';
  }
}
