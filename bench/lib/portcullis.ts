// Starts Portcullis for a benchmark: a nats-server of its own, `portcullis serve` in a child process,
// then provisions through the admin API what the peer is configured with: a client allowed
// client_credentials on a resource type, and a resource server (with its own client) to introspect.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild } from './child.js';
import { startNats } from './nats.js';
import { withDpopProofs } from './dpop.js';
import { freePort } from './ports.js';
import { basic, formHeaders, mintTokens, postForm, type BenchTarget } from './target.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const resourceIndicator = 'https://api.bench.example';

async function admin(url: string, key: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`admin POST ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/readyz`);
      last = `${res.status} ${await res.text()}`;
      if (res.ok) return;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Portcullis not ready after ${timeoutMs} ms: ${last}`);
}

export interface PortcullisOptions {
  /** Directory for V8 CPU profiles (`--cpu-prof`) of the server process. */
  profileDir?: string;
  /** False runs the server with its decision audit log off (default on, as deployed). */
  audit?: boolean;
}

/** The built CLI, as `npm start` runs it: what ships is what is measured (not the sources through tsx). */
const servedCli = join(root, 'dist', 'src', 'cli', 'main.js');
let built = false;

/** Builds once per benchmark process, so the measured code is the checkout's. */
function ensureBuilt(): void {
  if (built) return;
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(servedCli)) throw new Error('the build failed: cannot start Portcullis');
  built = true;
}

export async function startPortcullis(opts: PortcullisOptions = {}): Promise<BenchTarget> {
  ensureBuilt();
  const nats = await startNats();
  const stops: (() => Promise<void>)[] = [() => nats.stop()];
  const stopAll = async (): Promise<void> => {
    for (const s of stops.splice(0).reverse()) await s().catch(() => undefined);
  };
  try {
    const port = await freePort();
    const adminKey = randomBytes(32).toString('base64url');
    const varDir = mkdtempSync(join(tmpdir(), 'portcullis-bench-var-'));
    stops.push(async () => rmSync(varDir, { recursive: true, force: true }));
    const server = await startChild({
      name: 'portcullis serve',
      command: process.execPath,
      args: [...(opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(opts.profileDir)}`] : []), servedCli, 'serve'],
      cwd: varDir,
      env: {
        PORTCULLIS_NATS_URL: nats.url,
        PORTCULLIS_HOST: '127.0.0.1',
        PORTCULLIS_PORT: String(port),
        PORTCULLIS_ADMIN_KEY: adminKey,
        ...(opts.audit === false ? { PORTCULLIS_AUDIT_ENABLED: 'false' } : {}),
      },
      ready: new RegExp(`(http://127\\.0\\.0\\.1:${port})`),
      timeoutMs: 120_000,
    });
    stops.push(() => server.stop());
    const url = `http://127.0.0.1:${port}`;
    await waitReady(url, 60_000);

    await admin(url, adminKey, '/admin/resource-types', { name: 'api', scopes: ['read', 'write'] });
    const rsClient = await admin(url, adminKey, '/admin/clients', { client_name: 'bench resource server', grant_types: ['client_credentials'] });
    await admin(url, adminKey, '/admin/resource-servers', { id: 'bench-rs', client_id: rsClient.client_id, resource: resourceIndicator, resource_types: ['api'] });
    const client = await admin(url, adminKey, '/admin/clients', { client_name: 'bench client', grant_types: ['client_credentials'], scope: 'read write' });
    await admin(url, adminKey, '/admin/entitlements', { id: 'bench', client_id: client.client_id, scopes: ['read', 'write'], resource_type: 'api' });

    const clientAuth = basic(String(client.client_id), String(client.client_secret));
    const rsAuth = basic(String(rsClient.client_id), String(rsClient.client_secret));
    const tokenForm = { grant_type: 'client_credentials', scope: 'read', resource: resourceIndicator };
    // Policy data reaches the workers asynchronously: wait until the first token is granted.
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await postForm(`${url}/token`, clientAuth, tokenForm);
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return {
      name: 'Portcullis',
      url,
      pid: server.pid,
      helpers: [{ name: 'nats-server', pid: nats.child.pid }],
      tokenRequests: () => [{ method: 'POST', path: '/token', headers: { ...formHeaders, Authorization: clientAuth }, body: new URLSearchParams(tokenForm).toString() }],
      dpopTokenRequests: (count) =>
        withDpopProofs({ method: 'POST', path: '/token', headers: { ...formHeaders, Authorization: clientAuth }, body: new URLSearchParams(tokenForm).toString() }, `${url}/token`, count),
      async introspectRequests(count) {
        const tokens = await mintTokens(count, async () => String((await postForm(`${url}/token`, clientAuth, tokenForm)).access_token));
        const probe = await postForm(`${url}/introspect`, rsAuth, { token: tokens[0] as string });
        if (probe.active !== true) throw new Error(`introspection of a fresh token is not active: ${JSON.stringify(probe)}`);
        return tokens.map((t) => ({
          method: 'POST' as const,
          path: '/introspect',
          headers: { ...formHeaders, Authorization: rsAuth },
          body: `token=${encodeURIComponent(t)}`,
        }));
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
