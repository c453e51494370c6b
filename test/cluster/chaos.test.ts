// Chaos, short form (≤ 60 s): 2 frontends and 3 actor hosts as processes on a 3-node NATS cluster under
// token + introspection load; kill -9 an actor host, then a NATS node. Every token answered 200 still
// introspects active, no single-use token is active twice, every request got a success or a clean 503
// before its deadline; the time until moved shards answer again is printed.
import t from 'tap';
import { runChaos, shortChaos } from './lib/chaos.js';

t.setTimeout(120_000);
const report = await runChaos({ ...shortChaos, log: (l) => t.comment(l) });
t.comment(
  `chaos: ${report.requests} requests ${JSON.stringify(report.byStatus)}, ${report.tokensMinted} tokens (${report.singleUseTokens} single-use), ` +
    `max ${report.maxMs} ms; moved shards answered ${report.actorHostRecoveryMs} ms after kill -9 ${report.killedActorHost}, ` +
    `every shard ${report.natsNodeRecoveryMs} ms (reads) / ${report.natsNodeWriteRecoveryMs} ms (mints) after kill -9 NATS ${report.killedNatsNode}; first answer after the kills ${report.firstSuccessAfterActorKillMs} / ${report.firstSuccessAfterNatsKillMs} ms, first mint after the NATS kill ${report.firstMintAfterNatsKillMs} ms; ${report.durationMs} ms in all`,
);
t.ok(report.tokensMinted > 50, `load minted tokens (${report.tokensMinted})`);
t.equal(report.lostTokens, 0, 'every token answered 200 introspects active afterwards');
t.equal(report.singleUseActiveTwice, 0, 'no single-use token was active twice');
t.same(report.unclean, [], 'every request got a success or a clean 503 with Retry-After');
t.equal(report.hung, 0, 'no request hung past its deadline');
t.equal(report.inactiveDuringLoad, 0, 'no live token introspected inactive during the load');
t.ok(report.actorHostRecoveryMs >= 0, `moved shards answered again (${report.actorHostRecoveryMs} ms)`);
t.ok(report.natsNodeRecoveryMs >= 0, `every shard answered again after the NATS node died (${report.natsNodeRecoveryMs} ms)`);
t.ok(report.natsNodeWriteRecoveryMs >= 0, `tokens were minted again after the NATS node died (${report.natsNodeWriteRecoveryMs} ms)`);
