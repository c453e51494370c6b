// The token and introspection benchmarks share one shape: start each side, load it, report both and
// their ratio. Sides run one after the other so they never compete for the two cores.
import { measure, type Measurement } from './measure.js';
import { httpBenchUsage, parseHttpBenchOptions } from './options.js';
import { startPeer } from './peer.js';
import { startPortcullis } from './portcullis.js';
import { printRatio, printTable } from './report.js';
import type { BenchTarget } from './target.js';
import { runWrk } from './wrk.js';

export type HttpBenchKind = 'token' | 'introspect';

const targets: Record<HttpBenchKind, number> = { token: 5, introspect: 8 };

async function measureSide(kind: HttpBenchKind, start: () => Promise<BenchTarget>, opts: ReturnType<typeof parseHttpBenchOptions>): Promise<Measurement> {
  const target = await start();
  try {
    if (kind === 'token' && opts.dpop) return await measureDpop(target, opts);
    const requests = kind === 'token' ? target.tokenRequests() : await target.introspectRequests(opts.tokens);
    console.log(`${kind}: loading ${target.name} at ${target.url} (${opts.connections} connections, ${opts.durationSeconds} s)…`);
    return await measure(target, requests, opts);
  } finally {
    await target.stop();
  }
}

/** DPoP proofs are single use: the warm-up gets its own, and the measured run fresh ones made after it. */
async function measureDpop(target: BenchTarget, opts: ReturnType<typeof parseHttpBenchOptions>): Promise<Measurement> {
  const probe = await fetch(`${target.url}${target.tokenRequests()[0]?.path ?? '/token'}`, { method: 'POST', ...toInit((await target.dpopTokenRequests(1))[0]) });
  const body = (await probe.json()) as Record<string, unknown>;
  if (body.token_type !== 'DPoP') throw new Error(`${target.name} did not issue a DPoP token: ${probe.status} ${JSON.stringify(body)}`);
  if (opts.warmupSeconds > 0) {
    const warm = await target.dpopTokenRequests(Math.ceil(opts.warmupSeconds * opts.proofsPerSecond));
    await runWrk({ url: target.url, requests: warm, connections: opts.connections, durationSeconds: opts.warmupSeconds });
  }
  const requests = await target.dpopTokenRequests(Math.ceil(opts.durationSeconds * opts.proofsPerSecond));
  console.log(`token --dpop: loading ${target.name} at ${target.url} (${opts.connections} connections, ${opts.durationSeconds} s, ${requests.length} proofs)…`);
  return measure(target, requests, { ...opts, warmupSeconds: 0 });
}

function toInit(spec: { headers: Record<string, string>; body?: string } | undefined): { headers: Record<string, string>; body?: string } {
  if (spec === undefined) throw new Error('no request');
  return spec.body === undefined ? { headers: spec.headers } : { headers: spec.headers, body: spec.body };
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
      portcullis = await measureSide(kind, () => startPortcullis({ ...(opts.profileDir ? { profileDir: opts.profileDir } : {}), audit: opts.audit }), opts);
      rows.unshift(portcullis);
    } catch (err) {
      failure = err;
    }
  }
  printTable(`${kind}${kind === 'token' && opts.dpop ? ' (DPoP proof per request)' : ''}${opts.audit ? '' : ' (Portcullis audit log off)'} — ${opts.connections} connections, ${opts.durationSeconds} s`, rows);
  printRatio(kind, portcullis, peer, targets[kind]);
  if (failure !== undefined) {
    console.error(`\nPortcullis side failed: ${failure instanceof Error ? failure.message : String(failure)}`);
    process.exitCode = 1;
  }
}
