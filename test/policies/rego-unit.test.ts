// The PBAC policy's own Rego unit tests (policies/pbac/*_test.rego), run as `opa test` would run them,
// through `portcullis policy test` — so `npm test` runs them too.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const root = fileURLToPath(new URL('../..', import.meta.url));

t.test('portcullis policy test policies/', async (t) => {
  const r = spawnSync(process.execPath, ['bin/portcullis.js', 'policy', 'test', 'policies/'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  const out = `${r.stdout}${r.stderr}`;
  const failed = out.split('\n').filter((l) => /: (FAIL|ERROR)/.test(l));
  t.same(failed, [], 'no failing test rule');
  t.match(out, /PASS: (\d+)\/\1/, 'every test rule passes');
  t.equal(r.status, 0, `exit status\n${out.slice(-2000)}`);
});
