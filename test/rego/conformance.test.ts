// The conformance ratchet: OPA's own YAML cases through our compiler and the SDK. The number passing may
// only go up; known failures are listed with reasons in conformance-exceptions.json.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { formatReport, loadCases, readExceptions, runConformance } from '../../src/rego/conformance/index.js';

const casesDir = join(import.meta.dirname, '..', '..', '..', 'shared', 'rego-conformance', 'cases');
const ratchet = JSON.parse(readFileSync(join(import.meta.dirname, 'conformance-ratchet.json'), 'utf8')) as { passed: number };
const exceptions = readExceptions(join(import.meta.dirname, 'conformance-exceptions.json'));

t.test('the runner judges any directory of cases', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-cases-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, 'mini.yaml'),
    `cases:
- note: mini/pass
  modules: ["package t\\n\\np := x if { x := input.a + 1 }\\n"]
  query: data.t.p = x
  input: {a: 1}
  want_result: [{x: 2}]
- note: mini/wrong-expectation
  modules: ["package t\\n\\np := 1\\n"]
  query: data.t.p = x
  want_result: [{x: 2}]
- note: mini/conflict
  modules: ["package t\\n\\np := 1 if true\\np := 2 if true\\n"]
  query: data.t.p = x
  want_error_code: eval_conflict_error
  want_error: complete rules must not produce multiple outputs
`,
  );
  const report = await runConformance({ casesDir: dir, exceptions: { 'mini/wrong-expectation': 'the case expects 2 on purpose' } });
  const text = formatReport(report);
  t.match(text, /\n2 passed, 1 failed$/, text);
  t.match(text, /FAIL mini\/wrong-expectation .*\[known: the case expects 2 on purpose\]/);
});

t.test('every exception names a real case', async (t) => {
  const notes = new Set(loadCases(casesDir).map((c) => c.note));
  for (const note of Object.keys(exceptions)) t.ok(notes.has(note), `exception '${note}' is a case`);
});

t.test('conformance does not regress', async (t) => {
  const report = await runConformance({ casesDir, exceptions });
  const text = formatReport(report);
  t.comment(text.split('\n').filter((l) => !l.startsWith('FAIL ')).join('\n'));
  const unlisted = report.cases.filter((c) => c.status !== 'pass' && c.known === undefined);
  if (unlisted.length) t.comment(`${unlisted.length} failing cases are not in conformance-exceptions.json`);
  t.ok(report.passed >= ratchet.passed, `${report.passed} passing >= ratchet ${ratchet.passed}`);
  if (report.passed > ratchet.passed) t.comment(`raise test/rego/conformance-ratchet.json to ${report.passed}`);
});
