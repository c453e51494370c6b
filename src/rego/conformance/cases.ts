// Reads a directory of OPA YAML test cases (the format of OPA's test/cases/testdata) into plain data.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';

export interface ConformanceCase {
  /** `note` of the case; unique within a directory in OPA's data. */
  note: string;
  /** YAML file relative to the cases directory, `/`-separated. */
  file: string;
  /** First folder of `file`, or the note's prefix for files at the top. */
  category: string;
  query: string;
  modules: string[];
  data?: Record<string, unknown>;
  input?: unknown;
  hasInput: boolean;
  inputTerm?: string;
  wantResult?: Record<string, unknown>[];
  wantDefined?: boolean;
  wantError?: string;
  wantErrorCode?: string;
  sortBindings: boolean;
  strictError: boolean;
  /** Rego version its modules are parsed with: 1 (default) or 0 (OPA's testdata/v0 tree; `--v0-compatible`). */
  regoVersion?: 0 | 1;
}

export class CaseFormatError extends Error {
  override readonly name = 'CaseFormatError';
}

export function loadCases(dir: string): ConformanceCase[] {
  const files = yamlFiles(dir).sort();
  const out: ConformanceCase[] = [];
  for (const full of files) {
    const file = relative(dir, full).split(sep).join('/');
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(full, 'utf8'));
    } catch (err) {
      throw new CaseFormatError(`${file}: ${(err as Error).message}`);
    }
    const cases = (doc as { cases?: unknown } | null)?.cases;
    if (!Array.isArray(cases)) continue;
    cases.forEach((raw: unknown, i) => out.push(toCase(raw, file, i)));
  }
  return out;
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, d.name);
    if (d.isDirectory()) out.push(...yamlFiles(full));
    else if (/\.ya?ml$/.test(d.name)) out.push(full);
  }
  return out;
}

function toCase(raw: unknown, file: string, index: number): ConformanceCase {
  const c = raw as Record<string, unknown>;
  const where = `${file}: case ${index}`;
  if (typeof c !== 'object' || c === null) throw new CaseFormatError(`${where}: not a mapping`);
  const note = typeof c.note === 'string' ? c.note : `${file}#${index}`;
  if (typeof c.query !== 'string') throw new CaseFormatError(`${where}: query must be a string`);
  const modules = c.modules ?? [];
  if (!Array.isArray(modules) || !modules.every((m) => typeof m === 'string')) throw new CaseFormatError(`${where}: modules must be strings`);
  const slash = file.indexOf('/');
  const category = slash > 0 ? file.slice(0, slash) : note.includes('/') ? note.slice(0, note.indexOf('/')) : '(top)';
  return {
    note,
    file,
    category,
    query: c.query,
    modules: modules as string[],
    ...(c.data !== undefined && c.data !== null ? { data: c.data as Record<string, unknown> } : {}),
    hasInput: 'input' in c,
    ...('input' in c ? { input: c.input } : {}),
    ...(typeof c.input_term === 'string' ? { inputTerm: c.input_term } : {}),
    ...(Array.isArray(c.want_result) ? { wantResult: c.want_result as Record<string, unknown>[] } : {}),
    ...(typeof c.want_defined === 'boolean' ? { wantDefined: c.want_defined } : {}),
    ...(typeof c.want_error === 'string' ? { wantError: c.want_error } : {}),
    ...(typeof c.want_error_code === 'string' ? { wantErrorCode: c.want_error_code } : {}),
    sortBindings: c.sort_bindings === true,
    strictError: c.strict_error === true,
  };
}
