// Runs `portcullis serve` as separate OS processes (roles frontend, actors, all) against a NATS URL, so
// tests can kill one with SIGKILL like a crashed machine; each process reports the URL it serves.
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const cli = join(root, 'bin', 'portcullis.js');

export interface ServeProcess {
  name: string;
  role: 'frontend' | 'actors' | 'all';
  url: string;
  pid: number;
  /** Last lines the process wrote (for failure messages). */
  output(): string;
  readonly exited: boolean;
  /** SIGKILL: no shard hand-back, no goodbye. */
  kill(): Promise<void>;
  /** SIGTERM, SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface ServeOptions {
  name: string;
  role: 'frontend' | 'actors' | 'all';
  natsUrl: string;
  port?: number;
  env?: Record<string, string>;
  startTimeoutMs?: number;
}

export function serveProcess(opts: ServeOptions): Promise<ServeProcess> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORTCULLIS_ROLE: opts.role,
    PORTCULLIS_HOST: '127.0.0.1',
    PORTCULLIS_PORT: String(opts.port ?? 0),
    PORTCULLIS_NATS_URL: opts.natsUrl,
    PORTCULLIS_HOST_ID: opts.name,
    ...opts.env,
  };
  const proc: ChildProcess = spawn(process.execPath, [cli, 'serve'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    for (const l of chunk.toString('utf8').split('\n')) if (l.trim() !== '') lines.push(l);
    if (lines.length > 60) lines.splice(0, lines.length - 60);
  };
  proc.stderr?.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolve) => proc.once('exit', () => {
    exited = true;
    resolve();
  }));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${opts.name} did not start within ${opts.startTimeoutMs ?? 60_000} ms:\n${lines.join('\n')}`));
    }, opts.startTimeoutMs ?? 60_000);
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${opts.name} exited (${code ?? signal}) before serving:\n${lines.join('\n')}`));
    });
    proc.stdout?.on('data', (chunk: Buffer) => {
      keep(chunk);
      const m = /serving on (http:\/\/\S+)/.exec(chunk.toString('utf8'));
      if (!m?.[1]) return;
      clearTimeout(timer);
      const signal = async (sig: NodeJS.Signals, graceMs?: number): Promise<void> => {
        if (exited) return;
        const t = graceMs === undefined ? undefined : setTimeout(() => proc.kill('SIGKILL'), graceMs);
        proc.kill(sig);
        await exit;
        if (t) clearTimeout(t);
      };
      resolve({
        name: opts.name,
        role: opts.role,
        url: m[1],
        pid: proc.pid ?? 0,
        output: () => lines.join('\n'),
        get exited() {
          return exited;
        },
        kill: () => signal('SIGKILL'),
        stop: (graceMs = 5000) => signal('SIGTERM', graceMs),
      });
    });
  });
}

/** Polls `url` until it answers 200 (e.g. /readyz once every shard has a live owner). */
export async function waitFor200(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      last = `${res.status} ${await res.text()}`;
      if (res.status === 200) return;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${last.slice(0, 300)})`);
}
