// A ratchet over more of OPA's own YAML cases (test/rego/opa-cases, copied from open-policy-agent/opa):
// categories beyond the shared subset, mostly builtins. The number passing may only go up; the failing
// cases are listed with their reasons in opa-cases-exceptions.json.
import t from 'tap';
import { runConformance } from '../../src/rego/conformance/index.js';
import { caseSuite, checkAgainstRatchet, checkExceptionsAreCases } from './case-suite.js';

const suite = caseSuite('opa-cases');

t.test('every exception names a real case', async (t) => {
  checkExceptionsAreCases(t, suite);
});

t.test('OPA cases beyond the shared subset do not regress', async (t) => {
  const report = await runConformance({ casesDir: suite.casesDir, exceptions: suite.exceptions });
  checkAgainstRatchet(t, suite, report);
  t.ok(report.ms < 60_000, `the run takes under a minute (${Math.round(report.ms)} ms)`);
});
