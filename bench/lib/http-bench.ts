// The token and introspection benchmarks share one shape: start each side, load it, report both and
// their ratio. Sides run one after the other so they never compete for the two cores.
import { measure, type Measurement } from './measure.js';
import { httpBenchUsage, parseHttpBenchOptions } from './options.js';
import { startPeer } from './peer.js';
import { startPortcullis } from './portcullis.js';
import { printRatio, printTable } from './report.js';
import type { BenchTarget } from './target.js';

export type HttpBenchKind = 'token' | 'introspect';

const targets: Record<HttpBenchKind, number> = { token: 5, introspect: 8 };

async function measureSide(kind: HttpBenchKind, start: () => Promise<BenchTarget>, opts: ReturnType<typeof parseHttpBenchOptions>): Promise<Measurement> {
  const target = await start();
  try {
    const requests = kind === 'token' ? target.tokenRequests() : await target.introspectRequests(opts.tokens);
    console.log(`${kind}: loading ${target.name} at ${target.url} (${opts.connections} connections, ${opts.durationSeconds} s)…`);
    return await measure(target, requests, opts);
  } finally {
    await target.stop();
  }
}

export async function runHttpBench(kind: HttpBenchKind, args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(`usage: npm run bench -- ${kind} [options]\n${httpBenchUsage}`);
    return;
  }
  const opts = parseHttpBenchOptions(args);
  const rows: Measurement[] = [];
  let peer: Measurement | undefined;
  let portcullis: Measurement | undefined;
  let failure: unknown;
  // The peer first: it depends on nothing else in this repository.
  if (opts.only !== 'portcullis') {
    peer = await measureSide(kind, startPeer, opts);
    rows.push(peer);
  }
  if (opts.only !== 'peer') {
    try {
      portcullis = await measureSide(kind, () => startPortcullis(opts.profileDir ? { profileDir: opts.profileDir } : {}), opts);
      rows.unshift(portcullis);
    } catch (err) {
      failure = err;
    }
  }
  printTable(`${kind} — ${opts.connections} connections, ${opts.durationSeconds} s`, rows);
  printRatio(kind, portcullis, peer, targets[kind]);
  if (failure !== undefined) {
    console.error(`\nPortcullis side failed: ${failure instanceof Error ? failure.message : String(failure)}`);
    process.exitCode = 1;
  }
}
