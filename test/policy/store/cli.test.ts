// `portcullis policy publish | list | rollback | active` against a real nats-server: a .rego directory
// and a .tar.gz bundle publish with progress; a Rego error or a missing entrypoint is refused (exit 1).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { policyStoreSubcommands as policy } from '../../../src/policy/store/cli.js';
import { startNats } from '../../helpers/nats.js';
import { labelledArchive } from './lib.js';

t.test('policy store CLI', async (t) => {
  const nats = await startNats();
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-cli-'));
  t.teardown(async () => {
    rmSync(dir, { recursive: true, force: true });
    await nats.stop();
  });
  const n = ['--nats', nats.url];
  const run = async (name: keyof typeof policy, args: string[]): Promise<{ code: number; out: string; err: string }> => {
    const log = t.capture(console, 'log');
    const error = t.capture(console, 'error');
    const code = await policy[name].run(args);
    const out = log().map((c) => c.args.join(' ')).join('\n');
    const err = error().map((c) => c.args.join(' ')).join('\n');
    return { code, out, err };
  };

  const rego = join(dir, 'rego');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(rego);
  writeFileSync(join(rego, 'p.rego'), 'package portcullis\n\ntoken := {"allow": true, "reason": data.label}\n\nintrospect := {"allow": false}\n');
  writeFileSync(join(rego, 'p_test.rego'), 'package portcullis\n\ntest_x if true\n');
  writeFileSync(join(rego, 'data.json'), '{"label": "from-rego"}');
  const first = await run('publish', [rego, ...n, '--who', 'alice']);
  t.equal(first.code, 0, first.err);
  t.match(first.out, /compiling 1 \.rego file/);
  t.match(first.out, /checking: .*\nuploading: .*\nrecording: .*\nactivating: /, 'progress, step by step');
  const v1 = /published ([0-9a-f]{16})/.exec(first.out)?.[1] as string;
  t.ok(v1);

  const archive = join(dir, 'b.tar.gz');
  writeFileSync(archive, labelledArchive('tarball'));
  const second = await run('publish', [archive, ...n, '--json', '--who', 'bob']);
  t.equal(second.code, 0, second.err);
  const published = JSON.parse(second.out) as { record: { version: string }; active: { previous: string } };
  t.equal(published.active.previous, v1);

  const listed = await run('list', [...n, '--json']);
  const l = JSON.parse(listed.out) as { active: string; versions: { version: string; who: string }[] };
  t.same(l.versions.map((v) => v.who), ['alice', 'bob']);
  t.equal(l.active, published.record.version);

  const back = await run('rollback', [v1.slice(0, 8), ...n, '--who', 'carol']);
  t.equal(back.code, 0);
  t.match(back.out, new RegExp(`active: ${v1} \\(rollback by carol`));
  const active = await run('active', [...n, '--json']);
  t.match(JSON.parse(active.out), { pointer: { version: v1, previous: published.record.version }, record: { who: 'alice' } });

  writeFileSync(join(rego, 'p.rego'), 'package portcullis\n\ntoken := {"allow": true\n');
  const bad = await run('publish', [rego, ...n]);
  t.equal(bad.code, 1);
  t.match(bad.err, /compilation failed[\s\S]*p\.rego:\d+:\d+[\s\S]*bundle_compile_failed/, 'a Rego error is reported with its place');
  writeFileSync(join(rego, 'p.rego'), 'package portcullis\n\ntoken := {"allow": true}\n');
  const noIntrospect = await run('publish', [rego, ...n, '-e', 'portcullis/token']);
  t.equal(noIntrospect.code, 1, 'a .rego dir without portcullis/introspect does not compile its entrypoint');
  const stillActive = await run('active', [...n, '--json']);
  t.equal((JSON.parse(stillActive.out) as { pointer: { version: string } }).pointer.version, v1, 'nothing refused became active');
  t.equal((await run('rollback', [...n])).code, 2, 'usage error');
});
