// `npm run conformance -- [--cases <dir>] [--json <file>] [--exceptions <file>] [--filter <text>] [--v0-compatible] [--quiet]`
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatReport, readExceptions, runConformance } from './index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: join(root, '..', 'shared', 'rego-conformance', 'cases') },
    json: { type: 'string' },
    exceptions: { type: 'string', default: join(root, 'test', 'rego', 'conformance-exceptions.json') },
    filter: { type: 'string' },
    timeout: { type: 'string', default: '10000' },
    quiet: { type: 'boolean', default: false },
    // Parse the modules as Rego v0 (OPA's test/cases/testdata/v0 tree), as `opa … --v0-compatible` does.
    'v0-compatible': { type: 'boolean', default: false },
  },
});

let exceptions: Record<string, string> = {};
try {
  exceptions = readExceptions(values.exceptions);
} catch (err) {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
}
const report = await runConformance({
  casesDir: values.cases,
  exceptions,
  caseTimeoutMs: Number(values.timeout),
  ...(values.filter ? { filter: values.filter } : {}),
  ...(values['v0-compatible'] ? { regoVersion: 0 as const } : {}),
});
const text = formatReport(report);
console.log(values.quiet ? text.split('\n').filter((l) => !l.startsWith('FAIL ')).join('\n') : text);
console.error(`(${(report.ms / 1000).toFixed(1)} s)`);
if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 1)}\n`);
process.exitCode = report.failed > 0 ? 1 : 0;
