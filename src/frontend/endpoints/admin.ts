// /admin/...: create, read, update and delete clients and PBAC policy data, behind the admin bearer key
// (constant-time compare). JSON in, JSON out; a created client's secret appears in that answer only.
import { createHash, timingSafeEqual } from 'node:crypto';
import { AdminError } from '../../actors/index.js';
import type { ClientInput, PbacCollection } from '../../oauth/index.js';
import { type FrontendContext, renderOptions } from '../context.js';
import { MediaTypeError, mediaType } from '../lib/body.js';
import { type Exchange, readBody } from '../lib/http.js';
import { type Answer, answer } from '../lib/respond.js';

export const adminChallenge = 'Bearer realm="portcullis-admin"';

/** URL segment → policy-data collection. */
export const adminCollections: Record<string, PbacCollection> = {
  'resource-types': 'resource_types',
  'resource-servers': 'resource_servers',
  resources: 'resources',
  entitlements: 'entitlements',
  'deny-lists': 'deny',
  'software-statement-issuers': 'software_statement_issuers',
  'registration-policies': 'registration_policies',
};

/** Throws `unauthorized` unless `authorization` is `Bearer <admin key>` (compared in constant time). */
export function checkAdminKey(ctx: FrontendContext, authorization: string | undefined): void {
  const key = ctx.config.adminKey;
  if (key === undefined) throw new AdminError('unauthorized', 'the admin API is disabled (set PORTCULLIS_ADMIN_KEY)');
  const m = authorization === undefined ? null : /^Bearer ([\x21-\x7e]+)$/i.exec(authorization);
  if (!m?.[1]) throw new AdminError('unauthorized', 'an admin bearer key is required');
  const a = createHash('sha256').update(m[1]).digest();
  const b = createHash('sha256').update(key).digest();
  if (!timingSafeEqual(a, b)) throw new AdminError('unauthorized', 'the admin key is not valid');
}

async function jsonBody(ex: Exchange, body: Promise<Buffer>): Promise<Record<string, unknown>> {
  const buf = await body;
  if (buf.length === 0) return {};
  if (mediaType(ex.info.contentType) !== 'json') throw new MediaTypeError('application/json');
  let v: unknown;
  try {
    v = JSON.parse(buf.toString('utf8'));
  } catch {
    throw new AdminError('invalid_request', 'the body is not valid JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new AdminError('invalid_request', 'the body must be a JSON object');
  return v as Record<string, unknown>;
}

function pathSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new AdminError('invalid_request', 'the URL has a malformed percent-encoding');
  }
}

function methodNotAllowed(method: string, path: string): never {
  throw new AdminError('invalid_request', `${method} is not supported on ${path}`);
}

/** `/admin/clients`, `/admin/clients/:id`, `/admin/clients/:id/secret`. */
export function adminClients(ex: Exchange, ctx: FrontendContext): void {
  const body = readBody(ex, ctx.config.bodyLimitBytes, ctx.config.requestTimeoutMs);
  answer(ex, 'admin', renderOptions(ctx, adminChallenge), async (): Promise<Answer> => {
    checkAdminKey(ctx, ex.info.authorization);
    const [id, sub] = ex.info.params;
    const method = ex.info.method.toUpperCase();
    const clients = ctx.clients;
    if (id === undefined) {
      if (method === 'GET') return { status: 200, body: { clients: await clients.list() } };
      if (method === 'POST') return { status: 201, body: await clients.create((await jsonBody(ex, body)) as ClientInput) };
      return methodNotAllowed(method, ex.info.path);
    }
    const clientId = pathSegment(id);
    if (sub === 'secret') {
      if (method !== 'POST') return methodNotAllowed(method, ex.info.path);
      const b = await jsonBody(ex, body);
      if (b.client_secret !== undefined && typeof b.client_secret !== 'string') throw new AdminError('invalid_request', 'client_secret must be a string');
      return { status: 200, body: await clients.rotateSecret(clientId, b.client_secret as string | undefined) };
    }
    if (method === 'GET') return { status: 200, body: await clients.get(clientId) };
    if (method === 'PUT' || method === 'PATCH') return { status: 200, body: await clients.update(clientId, (await jsonBody(ex, body)) as ClientInput) };
    if (method === 'DELETE') {
      await clients.delete(clientId);
      return { status: 204 };
    }
    return methodNotAllowed(method, ex.info.path);
  });
}

/** `/admin/<collection>` and `/admin/<collection>/:id` for resource types, servers, resources, entitlements, deny lists. */
export function adminPolicyData(ex: Exchange, ctx: FrontendContext, collection: PbacCollection): void {
  const body = readBody(ex, ctx.config.bodyLimitBytes, ctx.config.requestTimeoutMs);
  answer(ex, 'admin', renderOptions(ctx, adminChallenge), async (): Promise<Answer> => {
    checkAdminKey(ctx, ex.info.authorization);
    const [id] = ex.info.params;
    const method = ex.info.method.toUpperCase();
    const data = ctx.policyData;
    if (id === undefined) {
      if (method === 'GET') return { status: 200, body: { [collection]: await data.list(collection) } };
      if (method === 'POST') return { status: 201, body: await data.create(collection, await jsonBody(ex, body)) };
      return methodNotAllowed(method, ex.info.path);
    }
    const key = pathSegment(id);
    if (method === 'GET') return { status: 200, body: await data.get(collection, key) };
    if (method === 'PUT') return { status: 200, body: await data.put(collection, key, await jsonBody(ex, body)) };
    if (method === 'DELETE') {
      await data.delete(collection, key);
      return { status: 204 };
    }
    return methodNotAllowed(method, ex.info.path);
  });
}
