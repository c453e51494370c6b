// OPA bundles: written as `opa build -t wasm` lays them out (tar.gz or directory), read back from either,
// and the policy inside loads and decides.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import t from 'tap';
import { bundleWasm, decodeBundleArchive, decodeManifest, encodeBundleArchive, encodeManifest, readBundle, writeBundle, type Bundle } from '../../src/rego/bundle/index.js';
import { loadRegoPolicy } from '../../src/rego/load.js';

const fixture = join(import.meta.dirname, '..', '..', '..', 'shared', 'opa-wasm-fixtures', 'weihanchen-rbac-abi11');
const data = JSON.parse(readFileSync(join(fixture, 'data.json'), 'utf8')) as Record<string, unknown>;
const bundle: Bundle = {
  manifest: { revision: 'r1', roots: [''], wasm: [{ entrypoint: 'example/allow', module: '/policy.wasm' }], rego_version: 0 },
  data,
  wasmModules: { '/policy.wasm': new Uint8Array(readFileSync(join(fixture, 'policy.wasm'))) },
  modules: [{ path: 'example.rego', source: readFileSync(join(fixture, 'example.rego'), 'utf8') }],
};
const tmp = mkdtempSync(join(tmpdir(), 'portcullis-bundle-'));
t.teardown(() => rmSync(tmp, { recursive: true, force: true }));

t.test('manifest is written as OPA marshals it', async (t) => {
  t.equal(encodeManifest(bundle.manifest), '{"revision":"r1","roots":[""],"wasm":[{"entrypoint":"example/allow","module":"/policy.wasm"}],"rego_version":0}');
  const opa = readFileSync(join(fixture, '..', 'bcgov-compliance-v1', 'bundle.manifest'), 'utf8');
  const m = decodeManifest(opa);
  t.equal(m.wasm.length, 5);
  t.equal(m.rego_version, 1);
  t.equal(encodeManifest(m), opa.trim(), "an OPA-written manifest round-trips byte for byte");
});

t.test('tar.gz: entries, order and names as opa build writes them; standard tar reads it', async (t) => {
  const archive = encodeBundleArchive(bundle);
  const tarBytes = gunzipSync(archive);
  t.equal(tarBytes.length % 512, 0, 'whole 512-byte blocks');
  const file = join(tmp, 'bundle.tar.gz');
  writeBundle(bundle, file);
  t.same(readFileSync(file), Buffer.from(archive), 'writeBundle writes the same bytes (reproducible: mtime 0)');
  let listing: string[];
  try {
    listing = execFileSync('tar', ['-tzf', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n');
  } catch {
    t.comment('no tar on this machine: listing not checked');
    return;
  }
  t.same(listing.map((n) => n.replace(/^\//, '')), ['data.json', 'example.rego', 'policy.wasm', '.manifest']);
  const dataJson = execFileSync('tar', ['-xzOf', file, '/data.json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  t.equal(dataJson, `${JSON.stringify(data)}\n`, 'data.json is compact JSON and a newline (Go json.Encoder)');
});

t.test('reads back from tar.gz and from a directory; the policy decides', async (t) => {
  const file = join(tmp, 'b.tgz');
  const dir = join(tmp, 'dir-bundle');
  writeBundle(bundle, file);
  writeBundle(bundle, dir);
  for (const b of [readBundle(file), readBundle(dir), decodeBundleArchive(encodeBundleArchive(bundle))]) {
    t.same(b.manifest, bundle.manifest);
    t.same(b.data, data);
    t.same(b.modules, bundle.modules);
    const policy = await loadRegoPolicy(bundleWasm(b, 'example/allow'), b.data);
    t.same(policy.evaluate({ user: 'userA', action: 'edit', object: 'article' }, 'example/allow'), [{ result: true }]);
    t.same(policy.evaluate({ user: 'userA', action: 'edit', object: 'management' }, 'example/allow'), [{ result: false }]);
  }
});

t.test('nested data.json files merge at their directory', async (t) => {
  const dir = join(tmp, 'nested');
  writeBundle({ ...bundle, data: {} }, dir);
  execFileSync('mkdir', ['-p', join(dir, 'a', 'b')]);
  execFileSync('sh', ['-c', `echo '{"x": 1}' > ${join(dir, 'a', 'b', 'data.json')}`]);
  t.same(readBundle(dir).data, { a: { b: { x: 1 } } });
});

t.test('bad bundles are refused with the reason', async (t) => {
  t.throws(() => decodeBundleArchive(new Uint8Array([1, 2, 3])), { name: 'BundleFormatError' });
  t.throws(() => decodeManifest('{"wasm": [{"entrypoint": 1}]}'), /needs string entrypoint/);
  const noWasm = encodeBundleArchive({ ...bundle, wasmModules: {} });
  t.throws(() => decodeBundleArchive(noWasm), /names \/policy.wasm/);
});
