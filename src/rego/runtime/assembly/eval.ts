// The OPA evaluation ABI on top of the generated policy_* functions: eval contexts, `eval`, and the
// ABI 1.2 one-call `opa_eval` fast path.

import { malloc, heapSet } from './memory';
import { jsonParse, jsonDump, valueDump } from './json';
import { makeSet, makeObject, TYPE_SET } from './value';
import { abortWith } from './error';
import { literalToUtf8 } from './value';
import { opa_builtin0, opa_builtin1, opa_builtin2, opa_builtin3, opa_builtin4 } from './host';

// ---- placeholders: the code generator replaces these bodies. They contain a loop and are exported,
// so the optimizer neither inlines them nor drops their parameters.

/** Runs entrypoint `ep` and returns its result set (a set value). */
export function policy_eval(ep: i32, input: usize, data: usize): usize {
  let r: usize = input ^ data;
  for (let i = 0; i < ep; i++) r = (r << 1) ^ load<usize>(r & 0xffff);
  if (r == 0x5eed) return makeSet();
  return r;
}

/** Object name → entrypoint id. */
export function policy_entrypoints(): usize {
  let r: usize = 0;
  for (let i = 0; i < 8; i++) r = (r << 1) ^ load<usize>(<usize>i << 2);
  if (r == 0x5eed) return makeObject();
  return r;
}

/** Object name → id of the builtins imported from the host. */
export function policy_builtins(): usize {
  let r: usize = 1;
  for (let i = 0; i < 8; i++) r = (r << 1) ^ load<usize>(<usize>i << 3);
  if (r == 0x5eed) return makeObject();
  return r;
}

// ---- eval context: [entrypoint @0, input @4, data @8, result @12]

export function evalCtxNew(): usize {
  const c = malloc(16);
  store<i32>(c, 0);
  store<usize>(c, 0, 4);
  store<usize>(c, 0, 8);
  store<usize>(c, 0, 12);
  return c;
}

export function evalCtxRun(ctx: usize): i32 {
  let rs = policy_eval(load<i32>(ctx), load<usize>(ctx, 4), load<usize>(ctx, 8));
  if (rs == 0 || load<u8>(rs) != TYPE_SET) rs = makeSet();
  store<usize>(ctx, rs, 12);
  return 0;
}

/** ABI 1.2: parse input at [input, input+len), evaluate, return the JSON (format 0) or value dump. */
export function evalFast(
  _reserved: usize, ep: i32, data: usize, input: usize, inputLen: usize, heapPtr: usize, format: i32,
): usize {
  heapSet(heapPtr);
  let inp: usize = 0;
  if (inputLen > 0) {
    inp = jsonParse(input, inputLen);
    if (inp == 0) abortWith(literalToUtf8('opa_eval: failed to parse input', true));
  }
  let rs = policy_eval(ep, inp, data);
  if (rs == 0 || load<u8>(rs) != TYPE_SET) rs = makeSet();
  return format == 1 ? valueDump(rs) : jsonDump(rs);
}

/** Calls host builtin `id` (as listed by builtins()) through env.opa_builtinN. */
export function hostBuiltin(id: i32, nargs: i32, a: usize, b: usize, c: usize, d: usize): usize {
  switch (nargs) {
    case 0: return opa_builtin0(id, 0);
    case 1: return opa_builtin1(id, 0, a);
    case 2: return opa_builtin2(id, 0, a, b);
    case 3: return opa_builtin3(id, 0, a, b, c);
  }
  return opa_builtin4(id, 0, a, b, c, d);
}
