// The Rego abstract syntax tree: the contract between the parser (which builds it), the checks (which
// annotate and reject it) and the planner (which lowers it to IR). Shapes follow OPA's `ast` package.

/** A position in a source file; every node carries one so diagnostics can say file:line:col. */
export interface Location {
  file: string;
  line: number; // 1-based
  col: number; // 1-based, in characters
}

/** Scalar and composite terms. `Number.raw` keeps the literal text so big and exact numbers survive. */
export type Value =
  | { type: 'null' }
  | { type: 'boolean'; value: boolean }
  | { type: 'number'; raw: string }
  | { type: 'string'; value: string }
  | { type: 'var'; name: string } // `_` is a wildcard; the parser renames each `_` to a unique `$_N`
  | { type: 'ref'; terms: Term[] } // terms[0] is a var (data, input, local) or a composite/call; rest are keys
  | { type: 'array'; items: Term[] }
  | { type: 'object'; pairs: [Term, Term][] }
  | { type: 'set'; items: Term[] }
  | { type: 'arraycomprehension'; term: Term; body: Body }
  | { type: 'setcomprehension'; term: Term; body: Body }
  | { type: 'objectcomprehension'; key: Term; value: Term; body: Body }
  | { type: 'call'; operator: Ref; args: Term[] }; // a call used as a term: `count(x)`, `a + b`

export interface Term {
  value: Value;
  location: Location;
}

/** A reference such as `data.a.b[x]` or `input.user` or `foo.bar` (a function name). */
export type Ref = Term[];

/** `x with input.a as 1` */
export interface With {
  target: Term; // a ref term: input..., data..., or a builtin/function ref
  value: Term;
  location: Location;
}

/**
 * One expression of a body. `terms` is either a single Term (a bare term, true when defined and not
 * false) or a call: an operator Ref and its args. Infix operators are calls by their OPA names:
 * `x := y` → assign, `x = y` → eq, `x == y` → equal, `!=` → neq, `<` lt, `<=` lte, `>` gt, `>=` gte,
 * `+` plus, `-` minus, `*` mul, `/` div, `%` rem, `&` and, `|` or, `x in xs` → internal.member_2,
 * `k, v in xs` → internal.member_3.
 */
export type ExprBody =
  | { type: 'term'; term: Term }
  | { type: 'call'; operator: Ref; args: Term[] }
  | { type: 'some'; vars: Term[] } // `some x, y`
  | { type: 'somein'; key?: Term; value: Term; collection: Term } // `some k, v in xs` / `some v in xs`
  | { type: 'every'; key?: Term; value: Term; domain: Term; body: Body };

export interface Expr {
  body: ExprBody;
  negated: boolean; // `not ...`
  with: With[];
  location: Location;
}

export type Body = Expr[];

export type RuleKind = 'complete' | 'partial_set' | 'partial_object' | 'function';

export interface RuleHead {
  /** Full rule-head reference relative to the package, e.g. `p`, `a.b[x]`, `users[id].name`. */
  ref: Ref;
  args?: Term[]; // functions only
  key?: Term; // partial set element / partial object key (the last bracket of the ref)
  value?: Term; // absent means `true` (complete rules, partial objects by ref, functions)
  assign: boolean; // head used `:=`
  location: Location;
}

export interface Rule {
  kind: RuleKind;
  default: boolean;
  head: RuleHead;
  body: Body; // empty body means `true`
  else?: Rule; // the chain of `else` branches, each with its own value and body
  location: Location;
  module: Module; // back-pointer (not serialised)
}

export interface Import {
  path: Ref; // data.x.y, input.z, future.keywords[.in], rego.v1
  alias?: string;
  location: Location;
}

export interface Module {
  file: string;
  package: Ref; // e.g. [data, "a", "b"] — terms[0] is the var `data`, the rest strings
  imports: Import[];
  rules: Rule[];
  regoVersion: 0 | 1;
}

/** A diagnostic, collected and sorted by location — never thrown one at a time. */
export interface Diagnostic {
  code: 'rego_parse_error' | 'rego_compile_error' | 'rego_type_error' | 'rego_unsafe_var_error' | 'rego_recursion_error' | 'rego_unsupported_error';
  message: string;
  location: Location;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.location.file}:${d.location.line}:${d.location.col}: ${d.code}: ${d.message}`;
}
