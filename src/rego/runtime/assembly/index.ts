// Entry of the Rego runtime module (build/rego-runtime.wasm): the OPA Wasm ABI the SDK calls, the
// functions generated code calls (docs/REGO-RUNTIME-ABI.md), and every compiled-in builtin (b_*).

import {
  malloc, heapGet, heapSet,
} from './memory';
import {
  makeNull, makeBool, makeInt, makeNumberText, makeString, makeArray, makeObject, makeSet, arrAppend,
  objInsert, objGet, setAdd, valueGet, valueLength, compare, equal, TYPE_OBJECT, TYPE_ARRAY,
  arrLen, arrGet, objKeyAt, objValAt, setAt, makeFloat, setFind, TYPE_SET,
} from './value';
import { jsonParse, valueParse, jsonDump, valueDump } from './json';
import { runtimeErrorRaw } from './error';
import { valueWith, addPath, removePath, mergeObjects } from './paths';
import { memoInit, memoPush, memoPop, memoGet, memoInsert, memoArgsGet, memoArgsInsert } from './memo';
import {
  evalCtxNew, evalCtxRun, evalFast, hostBuiltin, policy_entrypoints, policy_builtins,
} from './eval';

export { heap_start } from './memory';
export { strict_builtin_errors } from './error';
export { memo_frame } from './memo';
export { policy_eval, policy_entrypoints, policy_builtins } from './eval';
export * from './core/index';
export * from './builtins/index';

export const opa_wasm_abi_version: i32 = 1;
export const opa_wasm_abi_minor_version: i32 = 3;

// ---- memory ----
export function opa_malloc(size: usize): usize { return malloc(size); }
export function opa_free(_p: usize): void {}
export function opa_heap_ptr_get(): usize { return heapGet(); }
export function opa_heap_ptr_set(p: usize): void { heapSet(p); }

// ---- JSON / values ----
export function opa_json_parse(p: usize, len: usize): usize { return jsonParse(p, len); }
export function opa_value_parse(p: usize, len: usize): usize { return valueParse(p, len); }
export function opa_json_dump(v: usize): usize { return jsonDump(v); }
export function opa_value_dump(v: usize): usize { return valueDump(v); }
export function opa_value_add_path(d: usize, path: usize, v: usize): i32 { return addPath(d, path, v); }
export function opa_value_remove_path(d: usize, path: usize): i32 { return removePath(d, path); }

// ---- eval ----
export function opa_eval_ctx_new(): usize { return evalCtxNew(); }
export function opa_eval_ctx_set_input(c: usize, v: usize): void { store<usize>(c, v, 4); }
export function opa_eval_ctx_set_data(c: usize, v: usize): void { store<usize>(c, v, 8); }
export function opa_eval_ctx_set_entrypoint(c: usize, ep: i32): void { store<i32>(c, ep); }
export function opa_eval_ctx_get_result(c: usize): usize { return load<usize>(c, 12); }
export function eval(c: usize): i32 { return evalCtxRun(c); }
export function opa_eval(
  r: usize, ep: i32, data: usize, input: usize, inputLen: usize, heapPtr: usize, format: i32,
): usize {
  return evalFast(r, ep, data, input, inputLen, heapPtr, format);
}
export function builtins(): usize { return policy_builtins(); }
export function entrypoints(): usize { return policy_entrypoints(); }

// ---- called by generated code ----
export function opa_null(): usize { return makeNull(); }
export function opa_boolean(b: i32): usize { return makeBool(b != 0); }
export function opa_number_int(i: i64): usize { return makeInt(i); }
export function opa_number_float(f: f64): usize { return makeFloat(f); }
export function opa_number_ref(p: usize, len: usize): usize { return makeNumberText(p, len); }
export function opa_string(p: usize, len: i32): usize { return makeString(p, len); }
export function opa_array_with_cap(cap: i32): usize { return makeArray(cap); }
export function opa_object(): usize { return makeObject(); }
export function opa_set(): usize { return makeSet(); }
export function opa_array_append(a: usize, v: usize): void { arrAppend(a, v); }
export function opa_object_insert(o: usize, k: usize, v: usize): void { objInsert(o, k, v); }
export function opa_object_insert_once(o: usize, k: usize, v: usize): i32 {
  const old = objGet(o, k);
  if (old != 0) return equal(old, v) ? 0 : 1;
  objInsert(o, k, v);
  return 0;
}
export function opa_set_add(s: usize, v: usize): void { setAdd(s, v); }
export function opa_value_get(c: usize, k: usize): usize {
  if (c == 0 || k == 0) return 0;
  return valueGet(c, k);
}
export function opa_value_length(v: usize): i32 { return v == 0 ? -1 : valueLength(v); }
export function opa_value_type(v: usize): i32 { return v == 0 ? 0 : load<u8>(v); }
export function opa_value_compare(a: usize, b: usize): i32 { return compare(a, b); }
/** 1 iff both are defined and equal (Equal stmt). */
export function opa_value_equal(a: usize, b: usize): i32 { return a != 0 && b != 0 && equal(a, b) ? 1 : 0; }
/** 1 iff both are defined and differ (NotEqual stmt, AssignVarOnce conflicts). */
export function opa_value_not_equal(a: usize, b: usize): i32 { return a != 0 && b != 0 && !equal(a, b) ? 1 : 0; }

/** Next key after prev (0 = first): array indices, object keys, set elements; 0 when done. */
export function opa_value_iter(c: usize, prev: usize): usize {
  if (c == 0) return 0;
  const t = load<u8>(c);
  if (t == TYPE_ARRAY) {
    let i: i32 = 0;
    if (prev != 0) i = <i32>load<i64>(prev, 8) + 1;
    return i < arrLen(c) ? makeInt(i) : 0;
  }
  if (t == TYPE_OBJECT || t == TYPE_SET) {
    const n = load<i32>(c, 4);
    let i: i32 = 0;
    if (prev != 0) {
      // entries are sorted: find prev and step past it
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const k = t == TYPE_OBJECT ? objKeyAt(c, mid) : setAt(c, mid);
        if (compare(k, prev) <= 0) lo = mid + 1;
        else hi = mid;
      }
      i = lo;
    }
    if (i >= n) return 0;
    return t == TYPE_OBJECT ? objKeyAt(c, i) : setAt(c, i);
  }
  return 0;
}

/** Index iteration for Scan: number of entries (-1 for scalars), the i-th key, the i-th value. */
export function opa_value_iter_len(c: usize): i32 {
  if (c == 0) return -1;
  const t = load<u8>(c);
  return t >= TYPE_ARRAY ? load<i32>(c, 4) : -1;
}
export function opa_value_key_at(c: usize, i: i32): usize {
  const t = load<u8>(c);
  if (t == TYPE_ARRAY) return makeInt(i);
  if (t == TYPE_OBJECT) return objKeyAt(c, i);
  return setAt(c, i);
}
export function opa_value_val_at(c: usize, i: i32): usize {
  const t = load<u8>(c);
  if (t == TYPE_ARRAY) return arrGet(c, i);
  if (t == TYPE_OBJECT) return objValAt(c, i);
  return setAt(c, i);
}

/** 1 iff coll is a collection with an element (array element, object value, set element) equal to x:
 *  `x in coll`, for the lowering of a membership Scan. */
export function opa_value_member(c: usize, x: usize): i32 {
  if (c == 0 || x == 0) return 0;
  const t = load<u8>(c);
  if (t == TYPE_SET) return setFind(c, x) >= 0 ? 1 : 0;
  if (t == TYPE_ARRAY) {
    const n = arrLen(c);
    for (let i = 0; i < n; i++) if (equal(arrGet(c, i), x)) return 1;
  } else if (t == TYPE_OBJECT) {
    const n = load<i32>(c, 4);
    for (let i = 0; i < n; i++) if (equal(objValAt(c, i), x)) return 1;
  }
  return 0;
}
export function opa_value_merge(a: usize, b: usize): usize { return mergeObjects(a, b); }
export function opa_value_with(base: usize, path: usize, v: usize): usize { return valueWith(base, path, v); }
export function opa_runtime_error(code: usize, msg: usize): void { runtimeErrorRaw(code, msg); }
export function opa_host_builtin(id: i32, nargs: i32, a: usize, b: usize, c: usize, d: usize): usize {
  return hostBuiltin(id, nargs, a, b, c, d);
}
export function opa_eval_set_result(_rs: usize): void {}

// ---- per-evaluation memo of complete rules (memo.ts): get → 0 not computed, 1 computed undefined, else value
export function opa_memoize_init(slots: i32): void { memoInit(slots); }
export function opa_memoize_push(): void { memoPush(); }
export function opa_memoize_pop(): void { memoPop(); }
export function opa_memoize_get(i: i32): usize { return memoGet(i); }
export function opa_memoize_insert(i: i32, v: usize): void { memoInsert(i, v); }
// Functions with arguments, by argument identity (a…d: the arguments after input and data, 0 past arity).
export function opa_memoize_args_get(i: i32, a: usize, b: usize, c: usize, d: usize): usize {
  return memoArgsGet(i, a, b, c, d);
}
export function opa_memoize_args_insert(i: i32, a: usize, b: usize, c: usize, d: usize, v: usize): void {
  memoArgsInsert(i, a, b, c, d, v);
}
