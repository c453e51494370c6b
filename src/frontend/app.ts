// The uWebSockets.js app: routes to one handler per endpoint, 404/405 in the OAuth error form, and the
// listening socket's life.
import uWS from 'uWebSockets.js';
import type { FrontendContext } from './context.js';
import { adminClients, adminCollections, adminPolicyData } from './endpoints/admin.js';
import { adminAudit } from './endpoints/audit.js';
import { healthz, metrics, readyz } from './endpoints/health.js';
import { introspect } from './endpoints/introspect.js';
import { jwks, metadata } from './endpoints/metadata.js';
import { register, registration } from './endpoints/register.js';
import { revoke } from './endpoints/revoke.js';
import { token } from './endpoints/token.js';
import { forwardAuthPath } from './forward-auth-request.js';
import { forwardAuthRoute } from './forward-auth.js';
import { addStreamRoute } from './stream.js';
import { type Exchange, beginExchange, send } from './lib/http.js';

export interface Frontend {
  port: number;
  url: string;
  close(): void;
}

function errorBody(error: string, description: string): string {
  return JSON.stringify({ error, error_description: description });
}

const errorHeaders = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' };

function notFound(ex: Exchange, ctx: FrontendContext): void {
  send(ex, 404, errorBody('not_found', `no such endpoint: ${ex.info.method.toUpperCase()} ${ex.info.path.slice(0, 200)}`), errorHeaders);
  ctx.metrics.done('unknown', 'not_found', 0);
}

function methodNotAllowed(allow: string): (ex: Exchange, ctx: FrontendContext) => void {
  return (ex, ctx) => {
    send(ex, 405, errorBody('invalid_request', `${ex.info.method.toUpperCase()} is not allowed here; use ${allow}`), { ...errorHeaders, Allow: allow });
    ctx.metrics.done('unknown', 'method_not_allowed', 0);
  };
}

type Route = (ex: Exchange, ctx: FrontendContext) => void;

export interface FrontendOptions {
  /** Serve only /healthz, /readyz and /metrics (an actor host's HTTP side, role `actors`). */
  probesOnly?: boolean;
}

export function startFrontend(ctx: FrontendContext, opts: FrontendOptions = {}): Promise<Frontend> {
  const app = uWS.App();
  const route = (paramCount: number, handler: Route) => (res: uWS.HttpResponse, req: uWS.HttpRequest) => handler(beginExchange(res, req, paramCount), ctx);
  const postOnly = (path: string, handler: Route): void => {
    app.post(path, route(0, handler));
    app.any(path, route(0, methodNotAllowed('POST')));
  };
  // HEAD answers as GET would, without the body (RFC 9110 §9.3.2; `send` leaves it out).
  const getOnly = (path: string, handler: (ex: Exchange) => void): void => {
    app.get(path, route(0, (ex) => handler(ex)));
    app.head(path, route(0, (ex) => handler(ex)));
    app.any(path, route(0, methodNotAllowed('GET, HEAD')));
  };
  getOnly('/healthz', healthz);
  getOnly('/readyz', readyz(ctx));
  getOnly('/metrics', metrics(ctx));
  // An actor host's HTTP side stops here: probes and metrics only.
  const adminMethods = opts.probesOnly ? [] : (['get', 'post', 'put', 'patch', 'del'] as const);
  if (!opts.probesOnly) {
    postOnly('/token', token);
    postOnly('/introspect', introspect);
    postOnly('/revoke', revoke);
    postOnly('/register', register);
    app.any('/register/:id', route(1, registration));
    getOnly('/.well-known/oauth-authorization-server', metadata(ctx));
    getOnly('/jwks', jwks(ctx));
    app.any(forwardAuthPath, forwardAuthRoute(ctx));
    app.any(`${forwardAuthPath}/*`, forwardAuthRoute(ctx));
    if (ctx.streams) addStreamRoute(app, ctx, ctx.streams);
  }
  if (!opts.probesOnly && ctx.auditSource) {
    app.get('/admin/audit', route(0, adminAudit(ctx.auditSource)));
    app.any('/admin/audit', route(0, methodNotAllowed('GET')));
  }
  for (const m of adminMethods) {
    app[m]('/admin/clients', route(0, adminClients));
    app[m]('/admin/clients/:id', route(1, adminClients));
    app[m]('/admin/clients/:id/:sub', route(2, (ex, c) => (ex.info.params[1] === 'secret' ? adminClients(ex, c) : notFound(ex, c))));
    for (const [segment, collection] of Object.entries(adminCollections)) {
      app[m](`/admin/${segment}`, route(0, (ex, c) => adminPolicyData(ex, c, collection)));
      app[m](`/admin/${segment}/:id`, route(1, (ex, c) => adminPolicyData(ex, c, collection)));
    }
  }
  app.any('/*', route(0, notFound));

  return new Promise((resolve, reject) => {
    app.listen(ctx.config.host, ctx.config.port, (socket) => {
      if (!socket) {
        reject(new Error(`cannot listen on ${ctx.config.host}:${ctx.config.port}`));
        return;
      }
      const port = uWS.us_socket_local_port(socket);
      resolve({
        port,
        url: `http://${ctx.config.host}:${port}`,
        close: () => uWS.us_listen_socket_close(socket),
      });
    });
  });
}
