// Starts the peer (node-oidc-provider, bench/peer/server.ts) in its own process with one client and
// one resource-server client, configured like the Portcullis side of the benchmark.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PeerClient } from '../peer/server.js';
import { startChild } from './child.js';
import { withDpopProofs } from './dpop.js';
import { freePort } from './ports.js';
import { basic, formHeaders, mintTokens, postForm, type BenchTarget } from './target.js';

const here = dirname(fileURLToPath(import.meta.url));
const ext = extname(fileURLToPath(import.meta.url));

export async function startPeer(): Promise<BenchTarget> {
  const client: PeerClient = { client_id: 'bench-client', client_secret: randomBytes(32).toString('base64url'), scope: 'read write' };
  const rs: PeerClient = { client_id: 'bench-rs', client_secret: randomBytes(32).toString('base64url'), scope: 'read' };
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-bench-peer-'));
  const clientsFile = join(dir, 'clients.json');
  writeFileSync(clientsFile, JSON.stringify([client, rs]));
  const port = await freePort();
  const execArgv = ext === '.ts' ? ['--import', 'tsx'] : [];
  const child = await startChild({
    name: 'peer (node-oidc-provider)',
    command: process.execPath,
    args: [...execArgv, join(here, '..', 'peer', `server${ext}`), String(port), clientsFile],
    env: { NODE_ENV: 'production' },
    ready: /^listening (\S+)/,
  });
  const url = child.readyMatch[1] as string;
  const clientAuth = basic(client.client_id, client.client_secret);
  const rsAuth = basic(rs.client_id, rs.client_secret);
  const tokenBody = 'grant_type=client_credentials&scope=read';
  return {
    name: 'node-oidc-provider',
    url,
    pid: child.pid,
    tokenRequests: () => [{ method: 'POST', path: '/token', headers: { ...formHeaders, Authorization: clientAuth }, body: tokenBody }],
    dpopTokenRequests: (count) => withDpopProofs({ method: 'POST', path: '/token', headers: { ...formHeaders, Authorization: clientAuth }, body: tokenBody }, `${url}/token`, count),
    async introspectRequests(count) {
      const tokens = await mintTokens(count, async () => {
        const r = await postForm(`${url}/token`, clientAuth, { grant_type: 'client_credentials', scope: 'read' });
        return String(r.access_token);
      });
      return tokens.map((t) => ({
        method: 'POST' as const,
        path: '/token/introspection',
        headers: { ...formHeaders, Authorization: rsAuth },
        body: `token=${encodeURIComponent(t)}`,
      }));
    },
    async stop() {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
