// The pool loads real OPA-built policy.wasm modules unchanged and gives the results the OPA SDK gave
// for them (each fixture's cases.json), through real worker threads.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { createPolicyPool } from '../../src/policy/index.js';
import { opaFixturesDir } from '../helpers/shared.js';

const root = opaFixturesDir;

interface Case {
  entrypoint: string;
  data?: unknown;
  data_file?: string;
  input?: unknown;
  input_file?: string;
  expected: { result: unknown }[];
}

/** Rego sets come back as arrays in no particular order: compare them sorted. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, canonical(x)]));
  return v;
}

const fixtures = existsSync(root) ? readdirSync(root).filter((d) => existsSync(join(root, d, 'cases.json'))) : [];
if (fixtures.length === 0) t.pass('OPA wasm fixtures', { skip: `none at ${root}` });

for (const name of fixtures) {
  t.test(name, async (t) => {
    const dir = join(root, name);
    const wasm = readFileSync(join(dir, 'policy.wasm'));
    const cases = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as Case[];
    const dataOf = (c: Case): unknown => (c.data_file ? JSON.parse(readFileSync(join(dir, c.data_file), 'utf8')) : (c.data ?? {}));
    const first = cases[0] as Case;
    const pool = await createPolicyPool({ bundle: { wasm, data: dataOf(first), version: `${name}#0` }, workers: 1 });
    t.teardown(() => pool.close());
    let current = JSON.stringify(dataOf(first));
    let n = 0;
    for (const c of cases) {
      const data = dataOf(c);
      // Cases with other data run on a new snapshot of the same module.
      if (JSON.stringify(data) !== current) {
        current = JSON.stringify(data);
        await pool.activate({ wasm, data, version: `${name}#${++n}` });
      }
      const input = c.input_file ? JSON.parse(readFileSync(join(dir, c.input_file), 'utf8')) : c.input;
      const got = await pool.evaluate(c.entrypoint, input);
      t.same(canonical(got.resultSet), canonical(c.expected), `${c.entrypoint} ${JSON.stringify(input).slice(0, 80)}`);
      t.equal(got.version, `${name}#${n}`);
    }
  });
}
