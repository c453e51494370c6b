// `portcullis policy build` and `portcullis policy test`, run as a user runs them (a child process).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { bundleWasm, readBundle } from '../../src/rego/bundle/index.js';
import { loadRegoPolicy } from '../../src/rego/load.js';

const root = join(import.meta.dirname, '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'portcullis-cli-'));
t.teardown(() => rmSync(tmp, { recursive: true, force: true }));

function portcullis(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'portcullis.js'), ...args], { cwd: tmp, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function writePolicy(dir: string, files: Record<string, string>): string {
  const full = join(tmp, dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(full, name, '..'), { recursive: true });
    writeFileSync(join(full, name), text);
  }
  return full;
}

const example = `package example

default allow := false

allow if {
	input.user in data.admins
}
`;

t.test('policy build writes a bundle that decides', async (t) => {
  writePolicy('good', { 'example.rego': example, 'data.json': '{"admins": ["alice"]}' });
  for (const out of ['out/bundle.tar.gz', 'out/bundle-dir']) {
    const r = portcullis('policy', 'build', 'good', '-e', 'example/allow', '-o', out);
    t.equal(r.code, 0, `exit 0 (${out})`, { stderr: r.stderr });
    const b = readBundle(join(tmp, out));
    t.same(b.manifest.wasm, [{ entrypoint: 'example/allow', module: '/policy.wasm' }]);
    t.same(b.data, { admins: ['alice'] });
    const policy = await loadRegoPolicy(bundleWasm(b), b.data);
    t.same(policy.evaluate({ user: 'alice' }, 'example/allow'), [{ result: true }]);
    t.same(policy.evaluate({ user: 'mallory' }, 'example/allow'), [{ result: false }]);
  }
});

t.test('policy build reports errors as file:line:col and exits non-zero', async (t) => {
  writePolicy('bad', { 'bad.rego': 'package bad\n\nallow if {\n\tfoo.bar(input.x)\n}\n' });
  const r = portcullis('policy', 'build', 'bad', '-e', 'bad/allow', '-o', 'bad.tar.gz');
  t.not(r.code, 0);
  t.match(r.stderr, /bad\/bad\.rego:4:\d+: .*foo\.bar/);
});

t.test('policy build --v0-compatible accepts v0 syntax', async (t) => {
  writePolicy('v0', { 'v0.rego': 'package v0\n\ndefault allow = false\n\nallow {\n\tinput.ok == true\n}\n' });
  t.not(portcullis('policy', 'build', 'v0', '-e', 'v0/allow', '-o', 'v0.tar.gz').code, 0, 'v1 parse fails');
  const r = portcullis('policy', 'build', 'v0', '-e', 'v0/allow', '-o', 'v0.tar.gz', '--v0-compatible');
  t.equal(r.code, 0, 'builds with --v0-compatible', { stderr: r.stderr });
  t.equal(readBundle(join(tmp, 'v0.tar.gz')).manifest.rego_version, 0);
});

t.test('policy test runs test_ rules as opa test does', async (t) => {
  writePolicy('tested', {
    'example.rego': example,
    'example_test.rego': `package example

test_admin_allowed if {
	allow with input as {"user": "alice"} with data.admins as ["alice"]
}

test_stranger_denied if {
	not allow with input as {"user": "bob"} with data.admins as ["alice"]
}
`,
  });
  const ok = portcullis('policy', 'test', 'tested');
  t.equal(ok.code, 0, 'all pass', { stdout: ok.stdout, stderr: ok.stderr });
  t.match(ok.stdout, /data\.example\.test_admin_allowed: PASS/);
  t.match(ok.stdout, /PASS: 2\/2/);

  writePolicy('failing', {
    'example.rego': example,
    'example_test.rego': 'package example\n\ntest_wrong if {\n\tallow with input as {"user": "bob"} with data.admins as []\n}\n',
  });
  const bad = portcullis('policy', 'test', 'failing');
  t.equal(bad.code, 1, 'a failing test fails the run');
  t.match(bad.stdout, /data\.example\.test_wrong: FAIL/);
});

t.test('policy with no subcommand prints usage', async (t) => {
  const r = portcullis('policy');
  t.equal(r.code, 2);
  t.match(r.stderr, /policy build/);
});
