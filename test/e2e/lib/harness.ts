// Starts nats-server and a Portcullis server on free ports for end-to-end tests, with helpers for the
// admin API and the OAuth endpoints over real HTTP.
import { randomBytes } from 'node:crypto';
import type { ActorHost } from '../../../src/actors/index.js';
import { loadConfig } from '../../../src/config/index.js';
import { type RunningServer, type ServerOptions, startServer } from '../../../src/server/index.js';
import { type NatsServer, startNats } from '../../helpers/nats.js';

export interface Harness {
  nats: NatsServer;
  server: RunningServer;
  url: string;
  adminKey: string;
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  form(path: string, form: Record<string, string | string[]>, auth?: { id: string; secret: string }): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }>;
  /** Restarts the server (same NATS, same configuration, a new HTTP port). */
  restart(opts?: { crash?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

export async function startHarness(overrides: Parameters<typeof loadConfig>[0] = {}, opts: ServerOptions = {}): Promise<Harness> {
  const nats = await startNats();
  const adminKey = randomBytes(32).toString('base64url');
  const config = loadConfig(
    { host: '127.0.0.1', port: 0, natsUrl: nats.url, adminKey, policyWorkers: 1, leaseTtlMs: 2000, leaseRenewMs: 500, hostId: 'test-host', ...overrides },
    {},
  );
  let server = await startServer(config, { log: () => undefined, ...opts });
  const h: Harness = {
    nats,
    server,
    url: server.url,
    adminKey,
    async admin(method, path, body) {
      const res = await fetch(`${h.url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
    async form(path, form, auth) {
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
      const res = await fetch(`${h.url}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(auth ? { Authorization: basic(auth.id, auth.secret) } : {}) },
        body: body.toString(),
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
    async restart(o) {
      if (o?.crash) await server.crash();
      else await server.stop();
      server = await startServer(config, { log: () => undefined, ...opts });
      h.server = server;
      h.url = server.url;
    },
    async stop() {
      await server.stop();
      await nats.stop();
    },
  };
  return h;
}

/** A second actor host (and frontend) on the harness's NATS, as a deployment's second replica. */
export interface SecondHost {
  server: RunningServer;
  readonly stopped: boolean;
  /** Stops it once (a gracefully leaving host); later calls do nothing. */
  stop(): Promise<void>;
}

export async function startSecondHost(h: Harness, overrides: Parameters<typeof loadConfig>[0] = {}): Promise<SecondHost> {
  const server = await startServer(
    loadConfig({ host: '127.0.0.1', port: 0, natsUrl: h.nats.url, adminKey: h.adminKey, policyWorkers: 1, leaseTtlMs: 2000, leaseRenewMs: 500, hostId: 'second-host', ...overrides }, {}),
    { log: () => undefined },
  );
  let stopped = false;
  return {
    server,
    get stopped() {
      return stopped;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}

export function hostOf(s: { host?: ActorHost | undefined }): ActorHost {
  if (!s.host) throw new Error('this server runs no actor host');
  return s.host;
}

/** Rebalances both hosts until each owns half of the shards (or the first owns all, once the second left). */
export async function settleShards(h: Harness, second: SecondHost): Promise<void> {
  const total = h.server.config.shards * 2;
  for (let i = 0; i < 40; i++) {
    await hostOf(h.server).rebalance();
    if (!second.stopped) await hostOf(second.server).rebalance();
    const want = second.stopped ? total : total / 2;
    if (hostOf(h.server).ownedCount() === want && (second.stopped || hostOf(second.server).ownedCount() === total / 2)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface World {
  client: { id: string; secret: string };
  rs: { id: string; secret: string; resource: string };
  otherRs: { id: string; secret: string; resource: string };
}

/** A client entitled to type `api` (read, write) and two resource servers, as policies/pbac expects. */
export async function provisionWorld(h: Harness): Promise<World> {
  const mk = async (body: Record<string, unknown>) => {
    const r = await h.admin('POST', '/admin/clients', body);
    if (r.status !== 201) throw new Error(`create client: ${r.status} ${JSON.stringify(r.body)}`);
    return { id: r.body.client_id as string, secret: r.body.client_secret as string };
  };
  const client = await mk({ client_id: 'app', client_name: 'App' });
  const rsClient = await mk({ client_id: 'orders-rs-client' });
  const otherClient = await mk({ client_id: 'files-rs-client' });
  const must = async (path: string, body: unknown) => {
    const r = await h.admin('POST', path, body);
    if (r.status !== 201) throw new Error(`POST ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  };
  await must('/admin/resource-types', { name: 'api', scopes: ['read', 'write'] });
  await must('/admin/resource-types', { name: 'api.orders', parent: 'api', scopes: ['orders.cancel'], obligations: [{ type: 'audit' }] });
  await must('/admin/resource-servers', { id: 'orders-rs', client_id: rsClient.id, resource: 'https://orders.example' });
  await must('/admin/resource-servers', { id: 'files-rs', client_id: otherClient.id, resource: 'https://files.example' });
  await must('/admin/entitlements', { id: 'app-api', client_id: client.id, scopes: ['read', 'write', 'orders.cancel'], resource_types: ['api'] });
  return {
    client,
    rs: { ...rsClient, resource: 'https://orders.example' },
    otherRs: { ...otherClient, resource: 'https://files.example' },
  };
}
