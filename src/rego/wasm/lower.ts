// Lowers one IR function (a Plan or a Func) to a Wasm function body. Every IR Block becomes a Wasm
// `block`; a statement that is undefined branches to the end of the innermost IR block, and
// `Break{index}` branches out of the index+1-th enclosing IR block (other Wasm labels are skipped).

import type { Block, Local, Operand, Stmt } from '../plan/ir.js';
import { ByteWriter, OP } from './binary.js';
import { countReads, type ReadCounts } from './reads.js';
import type { StaticData } from './static-data.js';

/** What a statement may call: resolved by the module generator. */
export interface LowerEnv {
  strings: string[];
  data: StaticData;
  /** Index of a runtime export (throws if the runtime lacks it). */
  rt(name: string): number;
  /** A planned function by name: its index and parameter count. */
  func(name: string): { index: number; params: number } | undefined;
  /** A builtin compiled into the runtime, or a host builtin id. */
  builtin(name: string, arity: number): { index: number } | { hostId: number };
  /** Planned functions by path, for CallDynamic. */
  funcsByPath: { path: string[]; name: string }[];
  /** Whether some function is memoized: With blocks then push a fresh memo frame (runtime memo.ts). */
  memo?: boolean;
  /** Index of the runtime's exported global `memo_frame`, to read complete rules' slots inline. */
  memoFrameGlobal?: number;
}

/** What opa_memoize_get returns for a rule computed as undefined (runtime memo.ts MEMO_UNDEFINED). */
const MEMO_UNDEFINED = 1;
/** Bytes before the first slot of a memo frame (runtime memo.ts HEADER). */
const MEMO_FRAME_HEADER = 12;
/** Type tag of booleans (docs/REGO-RUNTIME-ABI.md): [2, 0] is false. */
const TYPE_BOOLEAN = 2;
/** Functions with more arguments (after input and data) than opa_memoize_args_get takes are not memoized. */
export const MEMO_MAX_ARGS = 4;

export class GenerateError extends Error {
  override readonly name = 'GenerateError';
}

const CONFLICT = 'eval_conflict_error';

interface Label {
  ir: boolean;
  /** A With block: on an early exit, local gets its saved value back. */
  restore?: { local: number; save: number };
}

export class FunctionLowering {
  private readonly w = new ByteWriter(512);
  private readonly locals = new Map<Local, number>();
  private nextLocal: number;
  /** Open Wasm labels, innermost last: IR blocks, and the With blocks' saved locals to put back. */
  private readonly labels: Label[] = [];
  /** Wasm local holding the result set (plans only). */
  resultSet = -1;
  /** Memo slot of this function, -1 if not memoized; memoArgs: its arguments after input and data
   *  (wasm locals), remembered by identity (runtime memo.ts). */
  private memoSlot = -1;
  private memoArgs: number[] = [];
  /** Reads of each IR local in the whole function (analyze); undefined = assume everything is read. */
  private reads: ReadCounts | undefined;

  constructor(
    private readonly env: LowerEnv,
    params: Local[],
    private readonly isFunction: boolean,
  ) {
    params.forEach((p, i) => this.locals.set(p, i));
    this.nextLocal = params.length;
    this.paramCount = params.length;
  }

  private readonly paramCount: number;

  local(l: Local): number {
    let i = this.locals.get(l);
    if (i === undefined) {
      i = this.nextLocal++;
      this.locals.set(l, i);
    }
    return i;
  }

  temp(): number {
    return this.nextLocal++;
  }

  op(b: number): void {
    this.w.byte(b);
  }

  i32(v: number): void {
    this.w.byte(OP.i32Const);
    this.w.i32(v);
  }

  call(index: number): void {
    this.w.byte(OP.call);
    this.w.u32(index);
  }

  callRt(name: string): void {
    this.call(this.env.rt(name));
  }

  get(l: number): void {
    this.w.byte(OP.localGet);
    this.w.u32(l);
  }

  set(l: number): void {
    this.w.byte(OP.localSet);
    this.w.u32(l);
  }

  tee(l: number): void {
    this.w.byte(OP.localTee);
    this.w.u32(l);
  }

  private open(kind: number, ir: boolean, restore?: Label['restore']): void {
    this.w.byte(kind);
    this.w.byte(OP.void);
    this.labels.push(restore ? { ir, restore } : { ir });
  }

  private close(): void {
    this.w.byte(OP.end);
    this.labels.pop();
  }

  /** br depth to leave the n-th enclosing IR block (0 = innermost). */
  private irDepth(n: number): number {
    let seen = -1;
    for (let i = this.labels.length - 1; i >= 0; i--) {
      if (this.labels[i]?.ir && ++seen === n) return this.labels.length - 1 - i;
    }
    throw new GenerateError(`wasm: break index ${n} leaves the function`);
  }

  /** Branch (if the i32 on the stack is non-zero) to the end of the innermost IR block. */
  private undefinedIf(): void {
    this.w.byte(OP.brIf);
    this.w.u32(this.irDepth(0));
  }

  operand(o: Operand): void {
    switch (o.kind) {
      case 'local':
        this.get(this.local(o.local));
        return;
      case 'bool':
        this.i32(this.env.data.bool(o.value));
        return;
      case 'string':
        this.i32(this.env.data.string(this.str(o.index)));
        return;
    }
  }

  private str(i: number): string {
    const s = this.env.strings[i];
    if (s === undefined) throw new GenerateError(`wasm: static string ${i} out of range`);
    return s;
  }

  block(b: Block, restore?: Label['restore']): void {
    this.open(OP.block, true, restore);
    for (const s of b.stmts) this.stmt(s);
    this.close();
  }

  /** Aborts with eval_conflict_error (generated data segment strings). */
  private conflict(msg: string): void {
    this.i32(this.env.data.cstr(CONFLICT));
    this.i32(this.env.data.cstr(msg));
    this.callRt('opa_runtime_error');
    this.op(OP.unreachable);
  }

  /** `NotEqual(x, false)` — how a body tests an expression's value — inline: undefined when x is undefined
   *  or is the boolean false (bytes [2, 0], runtime value.ts and static-data.ts alike). */
  private notFalse(x: Operand, other: Operand): boolean {
    if (x.kind !== 'local' || other.kind !== 'bool' || other.value) return false;
    const l = this.local(x.local);
    this.get(l);
    this.op(OP.i32Eqz);
    this.undefinedIf();
    this.get(l);
    this.op(OP.i32Load16U);
    this.w.u32(0); // alignment 2^0: values are only byte-aligned as far as this load knows
    this.w.u32(0); // offset
    this.i32(TYPE_BOOLEAN);
    this.op(OP.i32Eq);
    this.undefinedIf();
    return true;
  }

  private resultDefined(result: number): void {
    this.tee(result);
    this.op(OP.i32Eqz);
    this.undefinedIf();
  }

  stmt(s: Stmt): void {
    switch (s.type) {
      case 'ReturnLocal':
        this.memoStore(this.local(s.source));
        this.get(this.local(s.source));
        this.op(OP.return);
        return;
      case 'Call':
        this.callStmt(s.func, s.args, s.result);
        return;
      case 'CallDynamic':
        this.callDynamic(s.path, s.args, s.result);
        return;
      case 'Block':
        for (const b of s.blocks) this.block(b);
        return;
      case 'Break': {
        const depth = this.irDepth(s.index);
        // Leaving With blocks early: put their locals (and memo frames) back first.
        for (let i = 0; i <= depth; i++) {
          const r = this.labels[this.labels.length - 1 - i]?.restore;
          if (r) {
            this.get(r.save);
            this.set(r.local);
            // The outermost block left is popped by the code after it (withStmt), the others here.
            if (this.env.memo && i < depth) this.callRt('opa_memoize_pop');
          }
        }
        this.w.byte(OP.br);
        this.w.u32(depth);
        return;
      }
      case 'Dot':
        this.operand(s.source);
        this.operand(s.key);
        this.callRt('opa_value_get');
        this.resultDefined(this.local(s.target));
        return;
      case 'Len': {
        const t = this.temp();
        this.operand(s.source);
        this.callRt('opa_value_length');
        this.tee(t);
        this.i32(0);
        this.op(OP.i32LtS);
        this.undefinedIf();
        this.get(t);
        this.op(OP.i64ExtendI32S);
        this.callRt('opa_number_int');
        this.set(this.local(s.target));
        return;
      }
      case 'Scan':
        this.scan(s.source, s.key, s.value, s.block);
        return;
      case 'Not':
        // The inner block running to completion makes Not undefined; its failing lands after it.
        this.open(OP.block, true);
        for (const x of s.block.stmts) this.stmt(x);
        this.w.byte(OP.br);
        this.w.u32(this.irDepth(1));
        this.close();
        return;
      case 'AssignInt':
        this.i32(this.env.data.int(BigInt(s.value)));
        this.set(this.local(s.target));
        return;
      case 'AssignVar':
        this.operand(s.source);
        this.set(this.local(s.target));
        return;
      case 'AssignVarOnce': {
        // Conflict when both are defined and differ; otherwise target = source. The target is usually
        // still unset: only then is the comparison called.
        const t = this.local(s.target);
        this.get(t);
        this.w.byte(OP.if);
        this.w.byte(OP.void);
        this.labels.push({ ir: false });
        this.get(t);
        this.operand(s.source);
        this.callRt('opa_value_not_equal');
        this.w.byte(OP.if);
        this.w.byte(OP.void);
        this.labels.push({ ir: false });
        this.conflict(
          this.isFunction
            ? 'functions must not produce multiple outputs for same inputs'
            : 'complete rules must not produce multiple outputs',
        );
        this.close();
        this.close();
        this.operand(s.source);
        this.set(t);
        return;
      }
      case 'ResetLocal':
        this.i32(0);
        this.set(this.local(s.target));
        return;
      case 'MakeNull':
        this.i32(this.env.data.null());
        this.set(this.local(s.target));
        return;
      case 'MakeNumberInt':
        this.i32(this.env.data.int(BigInt(s.value)));
        this.set(this.local(s.target));
        return;
      case 'MakeNumberRef':
        this.i32(this.env.data.number(this.str(s.index)));
        this.set(this.local(s.target));
        return;
      case 'MakeArray':
        this.i32(s.capacity);
        this.callRt('opa_array_with_cap');
        this.set(this.local(s.target));
        return;
      case 'MakeObject':
        this.callRt('opa_object');
        this.set(this.local(s.target));
        return;
      case 'MakeSet':
        this.callRt('opa_set');
        this.set(this.local(s.target));
        return;
      case 'Equal':
        this.operand(s.a);
        this.operand(s.b);
        this.callRt('opa_value_equal');
        this.op(OP.i32Eqz);
        this.undefinedIf();
        return;
      case 'NotEqual':
        if (this.notFalse(s.a, s.b) || this.notFalse(s.b, s.a)) return;
        this.operand(s.a);
        this.operand(s.b);
        this.callRt('opa_value_not_equal');
        this.op(OP.i32Eqz);
        this.undefinedIf();
        return;
      case 'IsArray':
      case 'IsObject':
      case 'IsSet':
        this.operand(s.source);
        this.callRt('opa_value_type');
        this.i32(s.type === 'IsArray' ? 5 : s.type === 'IsObject' ? 6 : 7);
        this.op(OP.i32Ne);
        this.undefinedIf();
        return;
      case 'IsDefined':
        this.get(this.local(s.source));
        this.op(OP.i32Eqz);
        this.undefinedIf();
        return;
      case 'IsUndefined':
        this.get(this.local(s.source));
        this.undefinedIf();
        return;
      case 'ArrayAppend':
        this.definedOperands([s.value]);
        this.get(this.local(s.array));
        this.operand(s.value);
        this.callRt('opa_array_append');
        return;
      case 'ObjectInsert':
        this.definedOperands([s.key, s.value]);
        this.get(this.local(s.object));
        this.operand(s.key);
        this.operand(s.value);
        this.callRt('opa_object_insert');
        return;
      case 'ObjectInsertOnce':
        this.definedOperands([s.key, s.value]);
        this.get(this.local(s.object));
        this.operand(s.key);
        this.operand(s.value);
        this.callRt('opa_object_insert_once');
        this.w.byte(OP.if);
        this.w.byte(OP.void);
        this.labels.push({ ir: false });
        this.conflict('object keys must be unique');
        this.close();
        return;
      case 'ObjectMerge':
        this.get(this.local(s.a));
        this.get(this.local(s.b));
        this.callRt('opa_value_merge');
        this.resultDefined(this.local(s.target));
        return;
      case 'SetAdd':
        this.definedOperands([s.value]);
        this.get(this.local(s.set));
        this.operand(s.value);
        this.callRt('opa_set_add');
        return;
      case 'With':
        this.withStmt(s.local, s.path, s.value, s.block);
        return;
      case 'ResultSetAdd':
        if (this.resultSet < 0) throw new GenerateError('wasm: ResultSetAdd outside a plan');
        this.get(this.resultSet);
        this.get(this.local(s.value));
        this.callRt('opa_set_add');
        return;
      case 'Nop':
        return;
    }
  }

  private callStmt(name: string, args: Operand[], result: Local): void {
    const f = this.env.func(name);
    if (f) {
      // Callers may leave out the implicit input/data arguments.
      if (args.length === f.params - 2) {
        this.get(this.local(0));
        this.get(this.local(1));
      } else if (args.length !== f.params) {
        throw new GenerateError(`wasm: ${name} takes ${f.params} arguments, called with ${args.length}`);
      }
      for (const a of args) this.operand(a);
      this.call(f.index);
    } else {
      // A builtin is not called with an undefined argument: the call is undefined.
      this.definedOperands(args);
      const b = this.env.builtin(name, args.length);
      if ('index' in b) {
        for (const a of args) this.operand(a);
        this.call(b.index);
      } else {
        if (args.length > 4) throw new GenerateError(`wasm: host builtin ${name} has more than 4 arguments`);
        this.i32(b.hostId);
        this.i32(args.length);
        for (let i = 0; i < 4; i++) {
          const a = args[i];
          if (a) this.operand(a);
          else this.i32(0);
        }
        this.callRt('opa_host_builtin');
      }
    }
    this.resultDefined(this.local(result));
  }

  private callDynamic(path: Operand[], args: Local[], result: Local): void {
    // Try each planned function whose path has the right length; the first match is called.
    const r = this.local(result);
    this.i32(0);
    this.set(r);
    this.open(OP.block, false); // done
    for (const f of this.env.funcsByPath) {
      if (f.path.length !== path.length) continue;
      const target = this.env.func(f.name);
      if (!target) continue;
      let possible = true;
      path.forEach((p, i) => {
        if (p.kind === 'string' && this.str(p.index) !== f.path[i]) possible = false;
        if (p.kind === 'bool') possible = false;
      });
      if (!possible) continue;
      this.open(OP.block, false); // next candidate
      path.forEach((p, i) => {
        if (p.kind !== 'local') return;
        this.get(this.local(p.local));
        this.i32(this.env.data.string(f.path[i] ?? ''));
        this.callRt('opa_value_equal');
        this.op(OP.i32Eqz);
        this.w.byte(OP.brIf);
        this.w.u32(0);
      });
      const passed = args.map((a) => this.local(a));
      if (passed.length === target.params - 2) passed.unshift(this.local(0), this.local(1));
      for (const a of passed) this.get(a);
      this.call(target.index);
      this.set(r);
      this.w.byte(OP.br);
      this.w.u32(1);
      this.close();
    }
    this.close();
    this.get(r);
    this.op(OP.i32Eqz);
    this.undefinedIf();
  }

  /** Lets the lowering leave out what the function never reads: call with all its blocks, and the locals
   *  read after them (the return local), before lowering any. */
  analyze(blocks: readonly Block[], readAfter: readonly Local[]): void {
    this.reads = countReads(blocks, readAfter);
  }

  private isRead(l: Local): boolean {
    return this.reads === undefined || (this.reads.get(l) ?? 0) > 0;
  }

  /** `x in coll` as the planner writes it — a Scan whose body is only `Equal(value, x)` then
   *  `AssignVar(<bool>, r)`, its key and value read nowhere else — becomes one opa_value_member call:
   *  r is set when some element (array element, object value, set element) equals x. */
  private memberScan(source: Local, key: Local, value: Local, body: Block): boolean {
    if (this.reads === undefined || this.isRead(key) || this.reads.get(value) !== 1 || body.stmts.length !== 2) return false;
    const [test, set] = body.stmts;
    if (test?.type !== 'Equal' || set?.type !== 'AssignVar' || set.source.kind !== 'bool') return false;
    const isValue = (o: Operand): boolean => o.kind === 'local' && o.local === value;
    const x = isValue(test.a) ? test.b : isValue(test.b) ? test.a : undefined;
    if (x === undefined || isValue(x)) return false;
    if (set.target === source || (x.kind === 'local' && x.local === set.target)) return false;
    const src = this.local(source);
    this.get(src);
    this.op(OP.i32Eqz);
    this.undefinedIf();
    this.get(src);
    this.operand(x);
    this.callRt('opa_value_member');
    this.w.byte(OP.if);
    this.w.byte(OP.void);
    this.labels.push({ ir: false });
    this.operand(set.source);
    this.set(this.local(set.target));
    this.close();
    return true;
  }

  private scan(source: Local, key: Local, value: Local, body: Block): void {
    if (this.memberScan(source, key, value, body)) return;
    const src = this.local(source);
    const n = this.temp();
    const i = this.temp();
    this.get(src);
    this.op(OP.i32Eqz);
    this.undefinedIf();
    this.get(src);
    this.callRt('opa_value_iter_len');
    this.set(n);
    this.i32(0);
    this.set(i);
    this.open(OP.block, false);
    this.open(OP.loop, false);
    this.get(i);
    this.get(n);
    this.op(OP.i32GeS);
    this.w.byte(OP.brIf);
    this.w.u32(1);
    if (this.isRead(key)) {
      this.get(src);
      this.get(i);
      this.callRt('opa_value_key_at');
      this.set(this.local(key));
    }
    if (this.isRead(value)) {
      this.get(src);
      this.get(i);
      this.callRt('opa_value_val_at');
      this.set(this.local(value));
    }
    this.block(body);
    this.get(i);
    this.i32(1);
    this.op(OP.i32Add);
    this.set(i);
    this.w.byte(OP.br);
    this.w.u32(0);
    this.close();
    this.close();
  }

  private withStmt(local: Local, path: number[], value: Operand, body: Block): void {
    const l = this.local(local);
    const save = this.temp();
    if (path.length > 0) this.definedOperands([value]);
    this.get(l);
    this.set(save);
    if (path.length === 0) {
      this.operand(value);
      this.set(l);
    } else {
      const arr = this.temp();
      this.i32(path.length);
      this.callRt('opa_array_with_cap');
      this.set(arr);
      for (const p of path) {
        this.get(arr);
        this.i32(this.env.data.string(this.str(p)));
        this.callRt('opa_array_append');
      }
      this.get(l);
      this.get(arr);
      this.operand(value);
      this.callRt('opa_value_with');
      this.set(l);
    }
    // Rules computed under the replaced document must not be read outside it, nor the other way round.
    if (this.env.memo) this.callRt('opa_memoize_push');
    this.block(body, { local: l, save });
    if (this.env.memo) this.callRt('opa_memoize_pop');
    this.get(save);
    this.set(l);
  }

  /** Makes this function memoized in `slot`: returns the value already computed in this evaluation
   *  (under the current With frame) — for a function with arguments (at most MEMO_MAX_ARGS), computed
   *  with the same argument values — else computes it and stores it on every return. */
  memoize(slot: number, args: number[] = []): void {
    if (args.length > MEMO_MAX_ARGS) throw new GenerateError(`wasm: memoized function with ${args.length} arguments`);
    this.memoSlot = slot;
    this.memoArgs = args;
    const t = this.temp();
    if (args.length > 0) {
      this.i32(slot);
      this.memoArgsOperands();
      this.callRt('opa_memoize_args_get');
    } else if (this.env.memoFrameGlobal !== undefined) {
      // The slot, read in place (memo.ts: slot i at memo_frame + 12 + 4i; policy_eval has set a frame).
      this.w.byte(OP.globalGet);
      this.w.u32(this.env.memoFrameGlobal);
      this.op(OP.i32Load);
      this.w.u32(2);
      this.w.u32(MEMO_FRAME_HEADER + 4 * slot);
    } else {
      this.i32(slot);
      this.callRt('opa_memoize_get');
    }
    this.tee(t);
    this.w.byte(OP.if);
    this.w.byte(OP.void);
    // MEMO_UNDEFINED → 0, a value → itself.
    this.get(t);
    this.i32(0);
    this.get(t);
    this.i32(MEMO_UNDEFINED);
    this.op(OP.i32Ne);
    this.op(OP.select);
    this.op(OP.return);
    this.w.byte(OP.end);
  }

  /** Records the function's result (wasm local `l`) in its memo slot, if it has one. */
  memoStore(l: number): void {
    if (this.memoSlot < 0) return;
    this.i32(this.memoSlot);
    if (this.memoArgs.length > 0) {
      this.memoArgsOperands();
      this.get(l);
      this.callRt('opa_memoize_args_insert');
    } else {
      this.get(l);
      this.callRt('opa_memoize_insert');
    }
  }

  private memoArgsOperands(): void {
    for (let i = 0; i < MEMO_MAX_ARGS; i++) {
      const a = this.memoArgs[i];
      if (a === undefined) this.i32(0);
      else this.get(a);
    }
  }

  /** Undefined unless every local operand holds a value. */
  private definedOperands(ops: Operand[]): void {
    for (const o of ops) {
      if (o.kind !== 'local') continue;
      this.get(this.local(o.local));
      this.op(OP.i32Eqz);
      this.undefinedIf();
    }
  }

  /** The encoded body: local declarations, code, `end`. */
  finish(trailer: (f: FunctionLowering) => void): Uint8Array {
    trailer(this);
    const out = new ByteWriter(this.w.len + 16);
    const extra = this.nextLocal - this.paramCount;
    if (extra > 0) {
      out.u32(1);
      out.u32(extra);
      out.byte(OP.i32);
    } else out.u32(0);
    out.bytes(this.w.finish());
    out.byte(OP.end);
    return out.finish();
  }
}
