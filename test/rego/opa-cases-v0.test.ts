// OPA's cases in Rego v0 syntax (test/rego/opa-cases-v0, copied from OPA's v0 tree and from its test data
// of before 1.0, all v0), parsed as v0 as OPA parses its v0 tree. Cases listed in
// opa-cases-v0-exceptions.json may fail (each with its reason); every other case must pass, and the number
// passing may only go up (opa-cases-v0-ratchet.json).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { formatReport, loadCases, readExceptions, runConformance } from '../../src/rego/conformance/index.js';

const casesDir = join(import.meta.dirname, 'opa-cases-v0');
const ratchet = JSON.parse(readFileSync(join(import.meta.dirname, 'opa-cases-v0-ratchet.json'), 'utf8')) as { passed: number };
const exceptions = readExceptions(join(import.meta.dirname, 'opa-cases-v0-exceptions.json'));

t.test('every exception names a real case', async (t) => {
  const notes = new Set(loadCases(casesDir).map((c) => c.note));
  for (const note of Object.keys(exceptions)) t.ok(notes.has(note), `exception '${note}' is a case`);
});

t.test('OPA cases in Rego v0 syntax pass with --v0-compatible', async (t) => {
  const report = await runConformance({ casesDir, regoVersion: 0, exceptions });
  t.comment(formatReport(report).split('\n').filter((l) => !l.startsWith('FAIL ')).join('\n'));
  const unlisted = report.cases.filter((c) => c.status !== 'pass' && c.known === undefined);
  for (const c of unlisted) t.comment(`not in opa-cases-v0-exceptions.json: ${c.note} (${c.file}): ${c.reason ?? c.status}`);
  t.equal(unlisted.length, 0, 'every failing case is a listed exception');
  t.same(report.unexpectedPasses, [], 'no listed exception passes (remove it from the file)');
  t.ok(report.passed >= ratchet.passed, `${report.passed} passing >= ratchet ${ratchet.passed}`);
  if (report.passed > ratchet.passed) t.comment(`raise test/rego/opa-cases-v0-ratchet.json to ${report.passed}`);
});

t.test('the same cases parsed as Rego v1 are refused, as OPA refuses them', async (t) => {
  const report = await runConformance({ casesDir, filter: 'all/' });
  t.equal(report.passed, 0, 'v0 syntax does not parse as v1');
});
