// OPA's cases in Rego v0 syntax (test/rego/opa-cases-v0, copied from OPA's v0 tree and from its test data
// of before 1.0, all v0), parsed as v0 as OPA parses its v0 tree. Cases listed in
// opa-cases-v0-exceptions.json may fail (each with its reason); every other case must pass, and the number
// passing may only go up (opa-cases-v0-ratchet.json).
import t from 'tap';
import { runConformance } from '../../src/rego/conformance/index.js';
import { caseSuite, checkAgainstRatchet, checkExceptionsAreCases } from './case-suite.js';

const suite = caseSuite('opa-cases-v0');

t.test('every exception names a real case', async (t) => {
  checkExceptionsAreCases(t, suite);
});

t.test('OPA cases in Rego v0 syntax pass with --v0-compatible', async (t) => {
  const report = await runConformance({ casesDir: suite.casesDir, regoVersion: 0, exceptions: suite.exceptions });
  const unlisted = checkAgainstRatchet(t, suite, report);
  t.equal(unlisted.length, 0, 'every failing case is a listed exception');
  t.same(report.unexpectedPasses, [], 'no listed exception passes (remove it from the file)');
});

t.test('the same cases parsed as Rego v1 are refused, as OPA refuses them', async (t) => {
  const report = await runConformance({ casesDir: suite.casesDir, filter: 'all/' });
  t.equal(report.passed, 0, 'v0 syntax does not parse as v1');
});
