// GET /admin/audit: the decision audit log behind the admin key. Query parameters (client_id,
// decision_id, phase, outcome, since, until, limit, cursor) select records; a page is JSON
// `{records, next}`, and `follow=true` streams matching records as NDJSON until the caller goes away.
import type { BusConnection } from '../../bus/index.js';
import { type AuditRequest, answerAuditQuery, followAuditLines, isAuditAnswer, readAuditQuery } from '../../audit/index.js';
import { type FrontendContext, renderOptions } from '../context.js';
import type { Exchange } from '../lib/http.js';
import { type Answer, answer, sendError } from '../lib/respond.js';
import { adminChallenge, checkAdminKey } from './admin.js';

export function adminAudit(bus: BusConnection): (ex: Exchange, ctx: FrontendContext) => void {
  return (ex, ctx) => {
    const opts = renderOptions(ctx, adminChallenge);
    let req: AuditRequest;
    try {
      checkAdminKey(ctx, ex.info.authorization);
      const parsed = readAuditQuery(ex.info.query);
      if (isAuditAnswer(parsed)) {
        answer(ex, 'admin_audit', opts, async (): Promise<Answer> => parsed);
        return;
      }
      req = parsed;
    } catch (err) {
      sendError(ex, 'admin_audit', err, opts);
      return;
    }
    if (!req.follow) {
      answer(ex, 'admin_audit', opts, () => answerAuditQuery(bus, req));
      return;
    }
    followAudit(ex, ctx, bus, req).catch((err: unknown) => sendError(ex, 'admin_audit', err, opts));
  };
}

/** Streams NDJSON lines; the status and headers go with the first write, so a failure to start is still an error answer. */
async function followAudit(ex: Exchange, ctx: FrontendContext, bus: BusConnection, req: AuditRequest): Promise<void> {
  let started = false;
  const begin = (): void => {
    if (started) return;
    started = true;
    ex.done = true;
    ex.res.writeStatus('200 OK');
    ex.res.writeHeader('Content-Type', 'application/x-ndjson');
    ex.res.writeHeader('Cache-Control', 'no-store');
  };
  const follow = await followAuditLines(bus, req, (line) => {
    if (ex.aborted) return;
    ex.res.cork(() => {
      begin();
      ex.res.write(line);
    });
  });
  if (ex.aborted) {
    follow.stop();
    return;
  }
  // Replaces the exchange's own abort handler (uWS keeps one): mark it and stop following.
  ex.res.onAborted(() => {
    ex.aborted = true;
    follow.stop();
  });
  ex.res.cork(() => begin()); // headers now, so the caller sees the stream open before the first record
  await follow.done.catch(() => undefined);
  if (!ex.aborted) ex.res.cork(() => ex.res.end());
  ctx.metrics.done('admin_audit', '200', (performance.now() - ex.info.t0) / 1000);
}
