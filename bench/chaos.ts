// `npm run bench -- chaos`: the chaos scenario of test/cluster/chaos.test.ts in its long form — more load,
// longer phases — printing the four properties and the recovery times. Options: --concurrency <n>
// (default 16), --phase <s> (seconds after each kill, default 20), --warmup <s> (default 10),
// --max-tokens <n> (default 50 000). Stops by itself.
import { parseArgs } from 'node:util';
import { runChaos, shortChaos } from '../test/cluster/lib/chaos.js';

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { concurrency: { type: 'string' }, phase: { type: 'string' }, warmup: { type: 'string' }, 'max-tokens': { type: 'string' } },
    strict: true,
  });
  const num = (v: string | undefined, d: number): number => {
    if (v === undefined) return d;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new TypeError(`expected a positive number, got '${v}'`);
    return n;
  };
  const opts = {
    ...shortChaos,
    concurrency: num(values.concurrency, 16),
    afterKillMs: num(values.phase, 20) * 1000,
    warmupMs: num(values.warmup, 10) * 1000,
    maxTokens: num(values['max-tokens'], 50_000),
    log: (l: string) => console.log(l),
  };
  console.log(`chaos (long form): 3-node NATS cluster, ${opts.frontends} frontends, ${opts.actorHosts} actor hosts, ${opts.concurrency} load loops, ` +
    `${opts.warmupMs / 1000} s warm-up, ${opts.afterKillMs / 1000} s after each kill`);
  const r = await runChaos(opts);
  const ok = (b: boolean): string => (b ? 'holds' : 'BROKEN');
  console.log(`\nrequests ${r.requests} ${JSON.stringify(r.byStatus)}, max latency ${r.maxMs} ms, ${r.tokensMinted} tokens (${r.singleUseTokens} single-use), ${(r.durationMs / 1000).toFixed(1)} s`);
  console.log(`every token answered 200 introspects active afterwards: ${ok(r.lostTokens === 0)} (${r.lostTokens} lost)`);
  console.log(`no single-use token active twice: ${ok(r.singleUseActiveTwice === 0)} (${r.singleUseActiveTwice})`);
  console.log(`every request a success or a clean 503: ${ok(r.unclean.length === 0)}${r.unclean.length ? ` ${JSON.stringify(r.unclean.slice(0, 3))}` : ''}`);
  console.log(`none hung past its deadline (${opts.deadlineMs} ms): ${ok(r.hung === 0)} (${r.hung})`);
  console.log(`kill -9 actor host ${r.killedActorHost}: its shards answer again after ${r.actorHostRecoveryMs} ms (lease ${opts.leaseTtlMs} ms); first answer ${r.firstSuccessAfterActorKillMs} ms`);
  console.log(`kill -9 NATS node ${r.killedNatsNode}: every token shard answers after ${r.natsNodeRecoveryMs} ms, mints succeed again after ${r.natsNodeWriteRecoveryMs} ms; first answer ${r.firstSuccessAfterNatsKillMs} ms, first mint ${r.firstMintAfterNatsKillMs} ms`);
  if (r.lostTokens || r.singleUseActiveTwice || r.unclean.length || r.hung) process.exitCode = 1;
}
