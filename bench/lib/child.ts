// Child processes for benchmarks: start one, wait until a line of its output says it is ready, stop it.
import { spawn, type ChildProcess } from 'node:child_process';

export interface RunningChild {
  readonly pid: number;
  readonly process: ChildProcess;
  /** The first output line that matched `ready`, with the match. */
  readonly readyMatch: RegExpMatchArray;
  /** Recent output, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Tested against each stdout/stderr line. */
  ready: RegExp;
  /** Default 30 s. */
  timeoutMs?: number;
}

const outputBound = 64 * 1024;

export function startChild(opts: StartOptions): Promise<RunningChild> {
  const proc = spawn(opts.command, opts.args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let exited = false;
  const exit = new Promise<void>((resolve) => proc.once('exit', () => {
    exited = true;
    resolve();
  }));
  const stop = async (): Promise<void> => {
    if (exited) return;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exit;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    let partial = '';
    const timer = setTimeout(() => fail(new Error(`${opts.name}: not ready after ${opts.timeoutMs ?? 30000} ms`)), opts.timeoutMs ?? 30000);
    function fail(err: Error): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop().then(() => reject(new Error(`${err.message}\n--- ${opts.name} output ---\n${out.slice(-4000)}`)));
    }
    function onData(chunk: Buffer): void {
      const text = chunk.toString('utf8');
      out = (out + text).slice(-outputBound);
      if (settled) return;
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const m = line.match(opts.ready);
        if (m) {
          settled = true;
          clearTimeout(timer);
          resolve({ pid: proc.pid ?? 0, process: proc, readyMatch: m, output: () => out, stop });
          return;
        }
      }
    }
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('error', (err) => fail(err));
    proc.once('exit', (code, signal) => fail(new Error(`${opts.name} exited early (code ${code}, signal ${signal})`)));
  });
}
