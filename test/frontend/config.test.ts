// Configuration: defaults, config file, environment over file, overrides over both, named failures.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ConfigError, loadConfig } from '../../src/config/index.js';

t.test('defaults', async (t) => {
  const c = loadConfig({}, {});
  t.match(c, { host: '127.0.0.1', port: 8080, natsUrl: 'nats://127.0.0.1:4222', shards: 64, issuer: 'http://127.0.0.1:8080', adminKey: undefined });
});

t.test('file, environment, overrides', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pc-config-'));
  const yaml = join(dir, 'c.yaml');
  writeFileSync(yaml, 'port: 9000\nshards: 16\nissuer: https://as.example\n');
  t.match(loadConfig({}, { PORTCULLIS_CONFIG: yaml }), { port: 9000, shards: 16, issuer: 'https://as.example' });
  t.match(loadConfig({}, { PORTCULLIS_CONFIG: yaml, PORTCULLIS_PORT: '9100' }), { port: 9100 });
  t.match(loadConfig({ port: 1 }, { PORTCULLIS_CONFIG: yaml, PORTCULLIS_PORT: '9100' }), { port: 1 });
  const json = join(dir, 'c.json');
  writeFileSync(json, JSON.stringify({ bogus: 1 }));
  t.throws(() => loadConfig({}, { PORTCULLIS_CONFIG: json }), ConfigError);
});

t.test('bad values are named', async (t) => {
  t.throws(() => loadConfig({}, { PORTCULLIS_PORT: 'eighty' }), /port \(PORTCULLIS_PORT\) must be an integer/);
  t.throws(() => loadConfig({}, { PORTCULLIS_PORT: '70000' }), /at most 65535/);
  t.throws(() => loadConfig({}, { PORTCULLIS_ADMIN_KEY: 'short' }), /at least 32 bytes/);
  t.throws(() => loadConfig({}, { PORTCULLIS_TRUST_PROXY: 'maybe' }), /true or false/);
});
