// The planner's public face: resolved modules and entrypoint paths in, an IR Policy out. Each
// entrypoint `a/b` plans `data.a.b` (a rule, a partial rule, or a whole package subtree merged with
// the base document) and adds `{"result": value}` to the result set.
import type { Diagnostic, Location, Module, Term } from '../ast/types.js';
import { PlanError } from './errors.js';
import type { Block, Plan, Policy } from './ir.js';
import { BodyFrame, Planner } from './planner.js';
import { planRef } from './refs.js';

export type { Policy } from './ir.js';

export interface PlanOptions {
  /** File names for Policy.static.files (diagnostics only). */
  files?: string[];
}

export interface PlanResult {
  policy?: Policy;
  diagnostics: Diagnostic[];
}

export function plan(modules: Module[], entrypoints: string[], opts: PlanOptions = {}): PlanResult {
  const diagnostics: Diagnostic[] = [];
  let p: Planner;
  try {
    p = new Planner(modules);
  } catch (err) {
    if (err instanceof PlanError) return { diagnostics: [err.toDiagnostic()] };
    throw err;
  }
  const plans: Plan[] = [];
  for (const entrypoint of entrypoints) {
    try {
      plans.push(planEntrypoint(p, entrypoint));
    } catch (err) {
      if (!(err instanceof PlanError)) throw err;
      diagnostics.push(err.toDiagnostic());
    }
  }
  if (diagnostics.length > 0) return { diagnostics: sortDiagnostics(diagnostics) };
  const policy: Policy = {
    static: {
      strings: p.strings,
      builtins: [...p.builtins].map(([name, arity]) => ({ name, arity })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      files: opts.files ?? [...new Set(modules.map((m) => m.file))],
    },
    plans,
    funcs: p.funcs,
  };
  return { policy, diagnostics };
}

function planEntrypoint(p: Planner, entrypoint: string): Plan {
  const at: Location = { file: '<entrypoint>', line: 1, col: 1 };
  const segments = entrypoint.split('/').filter((s) => s.length > 0);
  const ref: Term[] = [{ value: { type: 'var', name: 'data' }, location: at }, ...segments.map((s): Term => ({ value: { type: 'string', value: s }, location: at }))];
  const block: Block = { stmts: [] };
  p.inFrame(new BodyFrame(2, block), () =>
    planRef(p, ref, (value) => {
      const result = p.newLocal();
      p.emit({ type: 'MakeObject', target: result });
      p.emit({ type: 'ObjectInsert', key: p.strOp('result'), value, object: result });
      p.emit({ type: 'ResultSetAdd', value: result });
    }),
  );
  return { name: entrypoint, blocks: [block] };
}

function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return ds.sort((a, b) => a.location.file.localeCompare(b.location.file) || a.location.line - b.location.line || a.location.col - b.location.col);
}

