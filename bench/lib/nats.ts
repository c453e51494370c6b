// A throwaway nats-server with JetStream for one benchmark run (store in a temp dir, removed on stop).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild, type RunningChild } from './child.js';
import { freePort } from './ports.js';

export interface BenchNats {
  url: string;
  child: RunningChild;
  stop(): Promise<void>;
}

export async function startNats(): Promise<BenchNats> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-bench-nats-'));
  const child = await startChild({
    name: 'nats-server',
    command: 'nats-server',
    args: ['-js', '-sd', dir, '-a', '127.0.0.1', '-p', String(port)],
    ready: /Server is ready/,
  });
  return {
    url: `nats://127.0.0.1:${port}`,
    child,
    async stop() {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
