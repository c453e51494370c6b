// `with` modifiers. `with input.…`/`with data.…` run the expression inside With statements that
// replace the document on a copy; rules below a replaced data path are hidden (lookups go to the
// replaced base document) and every rule reached from the expression is planned afresh. `with f as …`
// on a function or builtin installs a mock that calls resolve against, again with fresh planning; a
// replacement value that reads variables of the body is carried to the rules it reaches under a hidden
// key of `data` (a NUL-led key no document has; a rule reading all of `data` under the mock would see it).
// The rest of the body is planned inside the With blocks (continuation-passing), so it runs under
// nested With statements that put the original documents back.
import type { Expr, Term, With } from '../ast/types.js';
import { planExprBody } from './bodies.js';
import { functionNode, operatorText } from './calls.js';
import { unsupported } from './errors.js';
import type { Block, Local, Operand } from './ir.js';
import { termVars } from './lib/vars.js';
import { DATA, INPUT, type MockFrame, type Next, type Planner, local } from './planner.js';
import { planTerms } from './terms.js';

interface DocumentWith {
  local: Local;
  path: string[];
  value: Term;
}

export function planWith(p: Planner, e: Expr, next: Next): void {
  const docs: DocumentWith[] = [];
  const mocks: MockFrame = new Map();
  for (const w of e.with) classify(p, w, docs, mocks);

  planTerms(
    p,
    docs.map((d) => d.value),
    (values) => {
      const dataPaths = docs.filter((d) => d.local === DATA).map((d) => d.path);
      for (const path of dataPaths) {
        const above = p.tree.ruleNodeAbove(path);
        if (above !== undefined && above.path.length < path.length) {
          throw unsupported(`with on data.${path.join('.')} inside the value of rule data.${above.path.join('.')}`, e.location);
        }
      }
      const shadow = mocks.size > 0 || dataPaths.some((path) => p.tree.find(path) !== undefined);

      // Originals, to run the rest of the body with once the expression is done.
      const saved = new Map<Local, Local>();
      for (const d of docs) {
        if (saved.has(d.local)) continue;
        const copy = p.newLocal();
        p.emit({ type: 'AssignVar', source: local(d.local), target: copy });
        saved.set(d.local, copy);
      }

      const install = (): void => {
        if (mocks.size > 0) p.pushMocks(mocks);
        if (shadow) {
          p.pushFuncCache();
          for (const path of dataPaths) p.tree.hide(path);
        }
      };
      const uninstall = (): void => {
        if (shadow) {
          for (let i = 0; i < dataPaths.length; i++) p.tree.unhide();
          p.popFuncCache();
        }
        if (mocks.size > 0) p.popMocks();
      };

      install();
      try {
        nestWiths(p, docs, values, 0, () =>
          planExprBody(p, e.body, e, () => {
            uninstall();
            try {
              restore(p, [...saved], 0, next);
            } finally {
              install();
            }
          }),
        );
      } finally {
        uninstall();
      }
    },
  );
}

function classify(p: Planner, w: With, docs: DocumentWith[], mocks: MockFrame): void {
  const target = w.target.value;
  const terms = target.type === 'ref' ? target.terms : target.type === 'var' ? [w.target] : undefined;
  const head = terms?.[0]?.value;
  if (terms === undefined || head?.type !== 'var') throw unsupported('a with target that is not a reference', w.location);
  const isDoc = head.name === 'input' || (head.name === 'data' && functionNode(p, terms) === undefined);
  if (!isDoc) {
    const text = operatorText(terms);
    if (text === undefined) throw unsupported('a with target with computed keys', w.location);
    if (readsLocals(p, w.value)) {
      // A replacement value reading variables of this body: the rules the `with` reaches are planned as
      // functions of their own, out of reach of those variables, so the value travels to them in `data`,
      // under a key no document can have, as `with data.<key> as <value>` would carry it.
      const key = p.hiddenWithKey();
      docs.push({ local: DATA, path: [key], value: w.value });
      const data: Term = { value: { type: 'var', name: 'data' }, location: w.value.location };
      const ref: Term = { value: { type: 'ref', terms: [data, { value: { type: 'string', value: key }, location: w.value.location }] }, location: w.value.location };
      mocks.set(text, { value: ref, frame: p.frame });
      return;
    }
    mocks.set(text, { value: w.value, frame: p.frame });
    return;
  }
  const path: string[] = [];
  for (const t of terms.slice(1)) {
    if (t.value.type !== 'string') throw unsupported('a with target with non-string keys', w.location);
    path.push(t.value.value);
  }
  docs.push({ local: head.name === 'input' ? INPUT : DATA, path, value: w.value });
}

/** Whether a term mentions a variable bound in the body being planned (not `input`/`data`, not a rule). */
function readsLocals(p: Planner, t: Term): boolean {
  return termVars(t).some((name) => name !== 'input' && name !== 'data' && p.lookupVar(name) !== undefined);
}

function nestWiths(p: Planner, docs: DocumentWith[], values: Operand[], i: number, inner: Next): void {
  if (i === docs.length) return inner();
  const d = docs[i]!;
  const block: Block = p.inBlock({ stmts: [] }, () => nestWiths(p, docs, values, i + 1, inner));
  p.emit({ type: 'With', local: d.local, path: d.path.map((k) => p.str(k)), value: values[i]!, block });
}

function restore(p: Planner, saved: [Local, Local][], i: number, next: Next): void {
  if (i === saved.length) return next();
  const [original, copy] = saved[i]!;
  const block: Block = p.inBlock({ stmts: [] }, () => restore(p, saved, i + 1, next));
  p.emit({ type: 'With', local: original, path: [], value: local(copy), block });
}
