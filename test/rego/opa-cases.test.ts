// A ratchet over more of OPA's own YAML cases (test/rego/opa-cases, copied from open-policy-agent/opa):
// categories beyond the shared subset, mostly builtins. The number passing may only go up; the failing
// cases are listed with their reasons in opa-cases-exceptions.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { formatReport, loadCases, readExceptions, runConformance } from '../../src/rego/conformance/index.js';

const casesDir = join(import.meta.dirname, 'opa-cases');
const ratchet = JSON.parse(readFileSync(join(import.meta.dirname, 'opa-cases-ratchet.json'), 'utf8')) as { passed: number };
const exceptions = readExceptions(join(import.meta.dirname, 'opa-cases-exceptions.json'));

t.test('every exception names a real case', async (t) => {
  const notes = new Set(loadCases(casesDir).map((c) => c.note));
  for (const note of Object.keys(exceptions)) t.ok(notes.has(note), `exception '${note}' is a case`);
});

t.test('OPA cases beyond the shared subset do not regress', async (t) => {
  const report = await runConformance({ casesDir, exceptions });
  const text = formatReport(report);
  t.comment(text.split('\n').filter((l) => !l.startsWith('FAIL ')).join('\n'));
  const unlisted = report.cases.filter((c) => c.status !== 'pass' && c.known === undefined);
  for (const c of unlisted) t.comment(`not in opa-cases-exceptions.json: ${c.note} (${c.file}): ${c.reason ?? c.status}`);
  t.ok(report.passed >= ratchet.passed, `${report.passed} passing >= ratchet ${ratchet.passed}`);
  if (report.passed > ratchet.passed) t.comment(`raise test/rego/opa-cases-ratchet.json to ${report.passed}`);
  t.ok(report.ms < 60_000, `the run takes under a minute (${Math.round(report.ms)} ms)`);
});
