// OPA's cases in Rego v0 syntax (test/rego/opa-cases-v0), parsed as v0 as OPA parses its v0 tree: none
// may fail.
import { join } from 'node:path';
import t from 'tap';
import { formatReport, runConformance } from '../../src/rego/conformance/index.js';

t.test('OPA cases in Rego v0 syntax pass with --v0-compatible', async (t) => {
  const report = await runConformance({ casesDir: join(import.meta.dirname, 'opa-cases-v0'), regoVersion: 0 });
  t.comment(formatReport(report).split('\n').slice(0, 40).join('\n'));
  t.ok(report.cases.length >= 14, `${report.cases.length} cases`);
  t.equal(report.failed, 0, 'none fails');
  t.equal(report.passed, report.cases.length, 'every case passes');
});

t.test('the same cases parsed as Rego v1 are refused, as OPA refuses them', async (t) => {
  const report = await runConformance({ casesDir: join(import.meta.dirname, 'opa-cases-v0'), filter: 'all/' });
  t.equal(report.passed, 0, 'v0 syntax does not parse as v1');
});
