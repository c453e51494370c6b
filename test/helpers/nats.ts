// Starts a real `nats-server -js` on a free loopback port with its store in a temporary directory,
// for tests that need NATS; `stop()` kills it and removes the store. A 3-node cluster helper comes later.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface NatsServer {
  /** `nats://127.0.0.1:<port>` */
  url: string;
  port: number;
  storeDir: string;
  /** Stops the process (SIGTERM, then SIGKILL) and, unless `keepStore`, deletes the store. */
  stop(opts?: { keepStore?: boolean }): Promise<void>;
  /** Stops and starts the same server on the same port and store (a NATS restart). */
  restart(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function waitForPort(port: number, proc: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`nats-server exited with code ${proc.exitCode}`);
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`nats-server did not listen on ${port} within ${timeoutMs} ms`);
}

function launch(port: number, storeDir: string): ChildProcess {
  const proc = spawn('nats-server', ['-js', '-sd', storeDir, '-a', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  proc.stderr?.resume();
  return proc;
}

async function kill(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => proc.kill('SIGKILL'), 3000);
    proc.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

export async function startNats(): Promise<NatsServer> {
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'portcullis-nats-'));
  let proc = launch(port, storeDir);
  await waitForPort(port, proc, 10_000);
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    async stop(opts) {
      await kill(proc);
      if (!opts?.keepStore) rmSync(storeDir, { recursive: true, force: true });
    },
    async restart() {
      await kill(proc);
      proc = launch(port, storeDir);
      await waitForPort(port, proc, 10_000);
    },
  };
}
