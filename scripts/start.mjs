// `npm start`: set up what is missing (dependencies, nats-server, build), use the NATS server at
// PORTCULLIS_NATS_URL if one answers there or start one with its store under ./var/nats (stopped on
// exit), then run `portcullis serve` on PORTCULLIS_HOST:PORTCULLIS_PORT (default 127.0.0.1:8080).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { build, ensureDependencies, ensureNatsServer, root } from './ensure.mjs';

function answers(host, port, timeoutMs = 500) {
  return new Promise((resolve) => {
    const s = createConnection({ host, port });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    // A NATS server greets with INFO as soon as a client connects.
    s.once('data', (d) => done(d.toString('utf8').startsWith('INFO ')));
    s.once('error', () => done(false));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function portFree(port) {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function waitFor(host, port, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await answers(host, port)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

ensureDependencies();
ensureNatsServer();
build();

const natsUrl = process.env.PORTCULLIS_NATS_URL || 'nats://127.0.0.1:4222';
const first = new URL(natsUrl.split(',')[0].trim());
const natsHost = first.hostname || '127.0.0.1';
const natsPort = Number(first.port || 4222);
let nats;
let usedUrl = natsUrl;
if (await answers(natsHost, natsPort)) {
  console.error(`portcullis: using the NATS server at ${natsUrl}`);
} else {
  const port = (await portFree(natsPort)) ? natsPort : await freePort();
  const store = join(root, 'var', 'nats');
  mkdirSync(store, { recursive: true });
  console.error(`portcullis: no NATS server at ${natsUrl}; starting nats-server -js on 127.0.0.1:${port} (store ${store})`);
  const logFile = join(root, 'var', 'nats.log');
  nats = spawn('nats-server', ['-js', '-sd', store, '-a', '127.0.0.1', '-p', String(port), '-l', logFile], { stdio: 'ignore' });
  console.error(`portcullis: nats-server log in ${logFile}`);
  usedUrl = `nats://127.0.0.1:${port}`;
  if (!(await waitFor('127.0.0.1', port, 10_000))) {
    console.error('portcullis: nats-server did not start');
    nats.kill('SIGKILL');
    process.exit(1);
  }
}

// An admin key for a local start: kept in ./var so it survives restarts; never printed in full.
let adminKey = process.env.PORTCULLIS_ADMIN_KEY;
if (!adminKey) {
  const file = join(root, 'var', 'admin-key');
  mkdirSync(join(root, 'var'), { recursive: true });
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  adminKey = readFileSync(file, 'utf8').trim();
  console.error(`portcullis: admin key in ${file} (set PORTCULLIS_ADMIN_KEY to choose one)`);
}

const env = {
  ...process.env,
  PORTCULLIS_NATS_URL: usedUrl,
  PORTCULLIS_HOST: process.env.PORTCULLIS_HOST || '127.0.0.1',
  PORTCULLIS_PORT: process.env.PORTCULLIS_PORT || '8080',
  PORTCULLIS_ADMIN_KEY: adminKey,
};
const server = spawn(process.execPath, [join(root, 'dist', 'src', 'cli', 'main.js'), 'serve', ...process.argv.slice(2)], { stdio: 'inherit', env });

let stopping = false;
function stop(signal) {
  if (stopping) return;
  stopping = true;
  if (server.exitCode === null) server.kill(signal);
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
server.on('exit', (code, signal) => {
  const finish = () => process.exit(code ?? (signal ? 1 : 0));
  if (!nats || nats.exitCode !== null) return finish();
  nats.once('exit', finish);
  nats.kill('SIGTERM');
  setTimeout(() => nats.kill('SIGKILL'), 5000).unref();
});
