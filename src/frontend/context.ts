// What the frontend's endpoints are given: configuration, the token service, admin services,
// readiness and metrics.
import { randomBytes } from 'node:crypto';
import type { ClientAdmin, PolicyDataAdmin, TokenService } from '../actors/index.js';
import type { BusConnection } from '../bus/index.js';
import type { Config } from '../config/index.js';
import type { Environment } from '../oauth/index.js';
import { environmentOf } from '../oauth/index.js';
import type { RequestInfo } from './lib/http.js';
import { Counter, Histogram, Registry, latencyBuckets } from './lib/prometheus.js';
import type { RenderOptions } from './lib/respond.js';
import type { ProtocolServices } from './protocol.js';
import type { TokenStreamAccess } from './stream-access.js';

export interface Readiness {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

export interface FrontendContext {
  config: Config;
  tokens: TokenService;
  clients: ClientAdmin;
  policyData: PolicyDataAdmin;
  readiness(): Readiness;
  metrics: FrontendMetrics;
  /** Where GET /admin/audit reads the decision audit stream (absent: no such route). */
  auditSource?: BusConnection;
  /** GET /stream's authorization and event source (absent: no /stream route). */
  streams?: TokenStreamAccess;
  /** DPoP, software statements and registration (issue 6); absent: DPoP proofs and POST /register are refused. */
  protocol?: ProtocolServices;
  /** Reports an unexpected error (logged, never sent to the client). */
  logError(err: unknown): void;
}

export class FrontendMetrics {
  readonly registry = new Registry();
  readonly requests = this.registry.add(new Counter('portcullis_http_requests_total', 'HTTP requests by endpoint and outcome (status or error code).'));
  readonly latency = this.registry.add(
    new Histogram('portcullis_http_request_duration_seconds', 'HTTP request latency by endpoint and outcome.', latencyBuckets),
  );

  done(endpoint: string, outcome: string, seconds: number): void {
    const labels = { endpoint, outcome };
    this.requests.inc(labels);
    this.latency.observe(labels, seconds);
  }
}

/** Longest a request may take at the edge: the body may take requestTimeoutMs and the actor calls as long again; then a margin. */
export function edgeDeadlineMs(ctx: FrontendContext): number {
  return 2 * ctx.config.requestTimeoutMs + 1000;
}

export function renderOptions(ctx: FrontendContext, challenge: string): RenderOptions {
  return {
    retryAfterSeconds: ctx.config.retryAfterSeconds,
    challenge,
    deadlineMs: edgeDeadlineMs(ctx),
    onDone: (e, o, s) => ctx.metrics.done(e, o, s),
    onInternalError: (err) => ctx.logError(err),
  };
}

/** The request's environment as policy sees it (client IP from X-Forwarded-For only when trusted), with a new request id. */
export function environmentFor(ctx: FrontendContext, info: RequestInfo): Environment {
  const forwarded = ctx.config.trustProxy && info.forwardedFor !== '' ? (info.forwardedFor.split(',')[0] ?? '').trim() : '';
  const env = environmentOf(forwarded || info.ip, info.userAgent.slice(0, 512), Date.now());
  env.request_id = nextRequestId();
  return env;
}

// Request ids: this process's random prefix and a counter — unique across hosts, cheaper than a UUID each.
const requestIdPrefix = randomBytes(6).toString('base64url');
let requestCounter = 0;
function nextRequestId(): string {
  requestCounter++;
  return `${requestIdPrefix}-${requestCounter.toString(36)}`;
}
