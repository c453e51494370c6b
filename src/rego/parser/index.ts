// Public face of the Rego parser: modules, queries and single terms, with diagnostics (never thrown).

import type { Body, Diagnostic, Module, Term } from '../ast/types.js';
import { Parser } from './lib/parser.js';

export { MAX_NESTING_DEPTH, refText } from './lib/parser.js';

export interface ParseModuleOptions {
  /** 1: Rego v1 (OPA 1.x default). 0: OPA 1.x's `--v0-compatible` (`import rego.v1` switches a file to v1). */
  regoVersion: 0 | 1;
}

export function parseModule(file: string, source: string, opts: ParseModuleOptions): { module?: Module; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const module = new Parser(file, source, diagnostics, opts).parseModule();
  sortDiagnostics(diagnostics);
  // a module is returned even with diagnostics (what could be parsed), for tools; compile only when clean
  return module === undefined ? { diagnostics } : { module, diagnostics };
}

/** A query such as `data.test.p = x` (Rego v1 keywords). */
export function parseQuery(source: string, file = 'query'): { body?: Body; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const body = new Parser(file, source, diagnostics, { regoVersion: 1 }).parseQuery();
  sortDiagnostics(diagnostics);
  return body === undefined ? { diagnostics } : { body, diagnostics };
}

/** A single term such as `{"foo": {{1}}}` (conformance `input_term`). */
export function parseTerm(source: string, file = 'term'): { term?: Term; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const term = new Parser(file, source, diagnostics, { regoVersion: 1 }).parseSingleTerm();
  sortDiagnostics(diagnostics);
  return term === undefined ? { diagnostics } : { term, diagnostics };
}

export function sortDiagnostics(diagnostics: Diagnostic[]): void {
  diagnostics.sort(
    (a, b) =>
      (a.location.file < b.location.file ? -1 : a.location.file > b.location.file ? 1 : 0) ||
      a.location.line - b.location.line ||
      a.location.col - b.location.col,
  );
}
