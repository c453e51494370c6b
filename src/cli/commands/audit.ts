// `portcullis audit`: query the decision audit log by client, decision id, phase, outcome and time,
// page with --cursor, or --follow it live. One line per decision, or NDJSON with --json.
import { parseArgs } from 'node:util';
import { type AuditEntry, AuditQueryError, followAudit, parseAuditRequest, queryAudit } from '../../audit/index.js';
import { connectBus } from '../../bus/index.js';
import { loadConfig } from '../../config/index.js';
import type { CliCommand } from '../main.js';

const usage = `usage: portcullis audit [--client <client_id>] [--decision <decision id>] [--phase token|introspect|register|authorize]
                        [--outcome allow|deny|error] [--since <time>] [--until <time>] [--limit <n>] [--cursor <c>]
                        [--follow] [--json] [--nats <url>]
  <time>: ISO 8601, ms since the epoch, or a duration back from now (90s, 15m, 2h, 7d)`;

const flagToParam: Record<string, string> = {
  client: 'client_id',
  decision: 'decision_id',
  phase: 'phase',
  outcome: 'outcome',
  since: 'since',
  until: 'until',
  limit: 'limit',
  cursor: 'cursor',
};

function line(e: AuditEntry): string {
  const r = e.record;
  const reason = (r.output as { reason?: unknown } | null)?.reason;
  return [
    String(e.seq).padStart(7),
    new Date(r.at).toISOString(),
    r.phase.padEnd(10),
    r.outcome.padEnd(5),
    `client=${r.client_id ?? '-'}`,
    `decision=${r.decision_id ?? '-'}`,
    `policy=${r.policy_version ?? '-'}`,
    `${r.latency_us}µs`,
    ...(r.request_id ? [`request=${r.request_id}`] : []),
    ...(typeof reason === 'string' ? [`reason=${JSON.stringify(reason)}`] : []),
  ].join(' ');
}

export const command: CliCommand = {
  summary: 'query or follow the decision audit log',
  async run(args) {
    let values: Record<string, string | boolean | undefined>;
    try {
      ({ values } = parseArgs({
        args,
        options: {
          client: { type: 'string' },
          decision: { type: 'string' },
          phase: { type: 'string' },
          outcome: { type: 'string' },
          since: { type: 'string' },
          until: { type: 'string' },
          limit: { type: 'string' },
          cursor: { type: 'string' },
          follow: { type: 'boolean', default: false },
          json: { type: 'boolean', default: false },
          nats: { type: 'string' },
          help: { type: 'boolean', short: 'h', default: false },
        },
      }));
    } catch (err) {
      console.error(`audit: ${(err as Error).message}\n${usage}`);
      return 2;
    }
    if (values.help) {
      console.log(usage);
      return 0;
    }
    const params = new URLSearchParams();
    for (const [flag, param] of Object.entries(flagToParam)) {
      const v = values[flag];
      if (typeof v === 'string') params.set(param, v);
    }
    if (values.follow) params.set('follow', 'true');
    let req: ReturnType<typeof parseAuditRequest>;
    try {
      req = parseAuditRequest(params);
    } catch (err) {
      if (err instanceof AuditQueryError) {
        console.error(`audit: ${err.message}\n${usage}`);
        return 2;
      }
      throw err;
    }
    const print = (e: AuditEntry): void => console.log(values.json ? JSON.stringify(e) : line(e));
    const servers = typeof values.nats === 'string' ? values.nats : loadConfig().natsUrl;
    const bus = await connectBus({ servers, name: 'portcullis-cli', timeoutMs: 5000 });
    try {
      if (req.follow) {
        const follower = await followAudit(bus, req.filter, req.cursor !== undefined ? { cursor: req.cursor } : {});
        const stop = (): void => follower.stop();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        for await (const e of follower) print(e);
        return 0;
      }
      const page = await queryAudit(bus, req.filter, { limit: req.limit, ...(req.cursor !== undefined ? { cursor: req.cursor } : {}) });
      for (const e of page.records) print(e);
      if (!values.json) console.error(page.next ? `${page.records.length} shown; more with --cursor ${page.next}` : `${page.records.length} shown`);
      else if (page.next) console.error(`next cursor: ${page.next}`);
      return 0;
    } catch (err) {
      console.error(`audit: ${(err as Error).message}`);
      return 1;
    } finally {
      await bus.close();
    }
  },
};
