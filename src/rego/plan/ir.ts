// The planner's intermediate representation: the one contract between the front end (AST → plan) and
// the Wasm back end (plan → module). Modeled on OPA's `internal/ir`. The back end reads only this file's
// types, never the AST.
//
// Execution model (as OPA's): a Block runs its statements in order; a statement that is *undefined*
// (a failed comparison, a missing key, an IsDefined on an unset local, a builtin that is undefined)
// ends the innermost enclosing Block early — that is how conjunction and failure are expressed.
// `BlockStmt` runs each of its blocks in turn (disjunction: each one independently); `BreakStmt{index}`
// leaves `index + 1` enclosing blocks (0 = the current one). Locals are plain slots holding a value
// pointer or 0 (undefined). Local 0 is `input`, local 1 is `data` in plans and funcs alike.

export type Local = number;

export type Operand =
  | { kind: 'local'; local: Local }
  | { kind: 'bool'; value: boolean }
  | { kind: 'string'; index: number }; // index into Policy.static.strings

export type Stmt =
  | { type: 'ReturnLocal'; source: Local }
  /** Call a builtin (by its Rego name, e.g. "plus", "count", "object.get") or a planned Func (by Func.name).
   *  Undefined when the callee is undefined. A builtin error aborts evaluation with an eval error. */
  | { type: 'Call'; func: string; args: Operand[]; result: Local }
  /** Call a planned function whose name is computed from the values of `path` (dynamic dispatch on data refs);
   *  undefined when no function matches. */
  | { type: 'CallDynamic'; path: Operand[]; args: Local[]; result: Local }
  | { type: 'Block'; blocks: Block[] }
  | { type: 'Break'; index: number }
  /** target = source[key]; undefined when source is not a collection or has no such key. */
  | { type: 'Dot'; source: Operand; key: Operand; target: Local }
  /** target = number of elements of source (array/object/set/string chars); undefined on scalars. */
  | { type: 'Len'; source: Operand; target: Local }
  /** For each element of source (array: index/value, object: key/value, set: element/element), bind key
   *  and value and run block. Undefined-ness inside the block only ends that iteration. */
  | { type: 'Scan'; source: Local; key: Local; value: Local; block: Block }
  /** Runs block; the statement is undefined if the block ran to completion (negation). */
  | { type: 'Not'; block: Block }
  | { type: 'AssignInt'; value: number; target: Local }
  | { type: 'AssignVar'; source: Operand; target: Local }
  /** Assign unless target already holds a different value: then abort with an eval_conflict_error
   *  ("complete rules must not produce multiple outputs" / "functions must not produce multiple outputs"). */
  | { type: 'AssignVarOnce'; source: Operand; target: Local }
  | { type: 'ResetLocal'; target: Local }
  | { type: 'MakeNull'; target: Local }
  | { type: 'MakeNumberInt'; value: number; target: Local }
  /** A number from its literal text (static string index), e.g. "1.5", "1e100". */
  | { type: 'MakeNumberRef'; index: number; target: Local }
  | { type: 'MakeArray'; capacity: number; target: Local }
  | { type: 'MakeObject'; target: Local }
  | { type: 'MakeSet'; target: Local }
  | { type: 'Equal'; a: Operand; b: Operand }
  | { type: 'NotEqual'; a: Operand; b: Operand }
  | { type: 'IsArray'; source: Operand }
  | { type: 'IsObject'; source: Operand }
  | { type: 'IsSet'; source: Operand }
  | { type: 'IsDefined'; source: Local }
  | { type: 'IsUndefined'; source: Local }
  | { type: 'ArrayAppend'; value: Operand; array: Local }
  | { type: 'ObjectInsert'; key: Operand; value: Operand; object: Local }
  /** Insert; if the key exists with a different value abort with eval_conflict_error
   *  ("object keys must be unique"). */
  | { type: 'ObjectInsertOnce'; key: Operand; value: Operand; object: Local }
  /** target = deep merge of objects a and b (a wins on scalar conflicts), as OPA's object merge. */
  | { type: 'ObjectMerge'; a: Local; b: Local; target: Local }
  | { type: 'SetAdd'; value: Operand; set: Local }
  /** Run block with `local`'s value replaced at `path` (static string indices) by `value`, on a copy;
   *  the original local is untouched afterwards. path = [] replaces the whole value.
   *  With path = [], `value` may be an undefined local: the block then runs with `local` undefined (the
   *  planner uses this to put back an absent `input` for the rest of a body after `with input as …`). */
  | { type: 'With'; local: Local; path: number[]; value: Operand; block: Block }
  | { type: 'ResultSetAdd'; value: Local }
  | { type: 'Nop' };

export interface Block {
  stmts: Stmt[];
}

/** An entrypoint: its blocks add to the result set; the result is `[{"result": <value>}, ...]`. */
export interface Plan {
  name: string; // entrypoint path, e.g. "example/allow"
  blocks: Block[];
}

/** A planned rule or function. Params always start with input (local 0) and data (local 1). */
export interface Func {
  name: string; // e.g. "g0.data.example.allow"
  params: Local[];
  return: Local;
  blocks: Block[];
  path: string[]; // ["g0", "example", "allow"] — used by CallDynamic
}

export interface BuiltinDecl {
  name: string; // Rego name, e.g. "sprintf"
  arity: number;
}

export interface Policy {
  static: {
    strings: string[];
    /** Builtins referenced by Call statements (all of them; the back end decides which are compiled in
     *  and which are imported through opa_builtinN). */
    builtins: BuiltinDecl[];
    files: string[];
  };
  plans: Plan[];
  funcs: Func[];
}
