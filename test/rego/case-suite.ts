// A vendored tree of OPA's YAML cases with its exceptions file and pass ratchet (test/rego/<name>,
// <name>-exceptions.json, <name>-ratchet.json): what each such suite's test checks the same way.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Test } from 'tap';
import { type ConformanceReport, formatReport, loadCases, readExceptions } from '../../src/rego/conformance/index.js';

export interface CaseSuite {
  name: string;
  casesDir: string;
  exceptions: Record<string, string>;
  ratchet: number;
}

export function caseSuite(name: string): CaseSuite {
  const here = import.meta.dirname;
  return {
    name,
    casesDir: join(here, name),
    exceptions: readExceptions(join(here, `${name}-exceptions.json`)),
    ratchet: (JSON.parse(readFileSync(join(here, `${name}-ratchet.json`), 'utf8')) as { passed: number }).passed,
  };
}

/** Every exception names a case of the tree. */
export function checkExceptionsAreCases(t: Test, s: CaseSuite): void {
  const notes = new Set(loadCases(s.casesDir).map((c) => c.note));
  for (const note of Object.keys(s.exceptions)) t.ok(notes.has(note), `exception '${note}' is a case`);
}

/** Reports the run, names failing cases the exceptions file lacks, and holds the pass count to the ratchet; returns those unlisted failures. */
export function checkAgainstRatchet(t: Test, s: CaseSuite, report: ConformanceReport): ConformanceReport['cases'] {
  t.comment(formatReport(report).split('\n').filter((l) => !l.startsWith('FAIL ')).join('\n'));
  const unlisted = report.cases.filter((c) => c.status !== 'pass' && c.known === undefined);
  for (const c of unlisted) t.comment(`not in ${s.name}-exceptions.json: ${c.note} (${c.file}): ${c.reason ?? c.status}`);
  t.ok(report.passed >= s.ratchet, `${report.passed} passing >= ratchet ${s.ratchet}`);
  if (report.passed > s.ratchet) t.comment(`raise test/rego/${s.name}-ratchet.json to ${report.passed}`);
  return unlisted;
}
