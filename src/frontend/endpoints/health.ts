// GET /healthz (the process answers) and GET /readyz (NATS connected, every shard owned by a live
// host, policy loaded), and GET /metrics (Prometheus text).
import type { FrontendContext } from '../context.js';
import { type Exchange, send } from '../lib/http.js';

export function healthz(ex: Exchange): void {
  send(ex, 200, '{"status":"ok"}', { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
}

export function readyz(ctx: FrontendContext): (ex: Exchange) => void {
  return (ex) => {
    const r = ctx.readiness();
    send(ex, r.ready ? 200 : 503, JSON.stringify({ status: r.ready ? 'ready' : 'not ready', checks: r.checks }), {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      ...(r.ready ? {} : { 'Retry-After': String(ctx.config.retryAfterSeconds) }),
    });
  };
}

export function metrics(ctx: FrontendContext): (ex: Exchange) => void {
  return (ex) => {
    send(ex, 200, ctx.metrics.registry.render(), { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Cache-Control': 'no-store' });
  };
}
