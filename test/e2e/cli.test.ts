// The admin CLI against a running server: JSON out, the secret shown once, policy data managed.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { startHarness } from './lib/harness.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const h = await startHarness();
t.teardown(() => h.stop());

// Asynchronous: the server under test runs in this process and must keep answering.
async function cli(...args: string[]): Promise<{ code: number; json: Record<string, unknown> | null; stderr: string }> {
  const child = spawn(process.execPath, [join(root, 'bin', 'portcullis.js'), ...args], {
    env: { ...process.env, PORTCULLIS_URL: h.url, PORTCULLIS_ADMIN_KEY: h.adminKey },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    json = null;
  }
  return { code, json, stderr };
}

t.test('clients and policy data from the command line', async (t) => {
  const created = await cli('clients', 'create', 'cli-app', '--name', 'CLI App');
  t.equal(created.code, 0, created.stderr);
  t.match(created.json, { client_id: 'cli-app', client_name: 'CLI App' });
  t.match(created.json?.client_secret, /^[A-Za-z0-9_-]{43}$/, 'the secret, once');
  const got = await cli('clients', 'get', 'cli-app');
  t.equal(got.json?.client_secret, undefined, 'never again');
  t.equal(got.json?.client_secret_hash, undefined);
  t.equal((await cli('resource-types', 'create', 'api', '--scopes', 'read,write')).code, 0);
  const rs = await cli('resource-servers', 'create', 'rs1', '--client-id', 'cli-app', '--resource', 'https://rs1.example');
  t.match(rs.json, { id: 'rs1', client_id: 'cli-app', resource: 'https://rs1.example' });
  const ent = await cli('entitlements', 'create', 'e1', '--client-id', 'cli-app', '--scopes', 'read', '--resource-types', 'api', '--ttl', '300');
  t.match(ent.json, { id: 'e1', client_id: 'cli-app', scopes: ['read'], resource_types: ['api'], ttl: 300 });
  const upd = await cli('entitlements', 'update', 'e1', '--ttl', '60');
  t.match(upd.json, { id: 'e1', scopes: ['read'], ttl: 60 }, 'update keeps the fields it does not name');
  const tok = await h.form('/token', { grant_type: 'client_credentials', scope: 'read', resource: 'https://rs1.example', resource_type: 'api' }, { id: 'cli-app', secret: created.json?.client_secret as string });
  t.equal(tok.body.expires_in, 60);
  const bad = await cli('clients', 'create', '--secret', 'short');
  t.equal(bad.code, 1);
  t.match(bad.stderr, /invalid_client_metadata/);
  t.equal((await cli('entitlements', 'delete', 'e1')).code, 0);
  t.equal((await cli('entitlements', 'get', 'e1')).code, 1);
});
