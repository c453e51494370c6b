// Aborting an evaluation: every runtime error ends in env.opa_abort with "<code>: <message>", which the
// OPA SDK throws as a string.

import { malloc } from './memory';
import { literalToUtf8, lastLiteralLen } from './value';
import { bufNew, bufLiteral, bufByte, bufData } from './buf';

@external("env", "opa_abort")
export declare function opa_abort(addr: usize): void;

@external("env", "opa_println")
export declare function opa_println(addr: usize): void;

/** Aborts with the NUL-terminated message at addr; never returns. */
export function abortWith(addr: usize): void {
  opa_abort(addr);
  unreachable();
}

/** "<code>: <msg>" from AS string literals. */
export function runtimeError(code: string, msg: string): void {
  const c = literalToUtf8(code, false);
  const cl = lastLiteralLen;
  const m = literalToUtf8(msg, false);
  const ml = lastLiteralLen;
  const out = malloc(<usize>(cl + ml + 3));
  memory.copy(out, c, <usize>cl);
  store<u8>(out + cl, 0x3a);
  store<u8>(out + cl + 1, 0x20);
  memory.copy(out + cl + 2, m, <usize>ml);
  store<u8>(out + cl + 2 + ml, 0);
  abortWith(out);
}

/** OPA's builtin error: "eval_builtin_error: <name>: <msg>". */
export function builtinError(name: string, msg: string): void {
  const n = literalToUtf8(name, false);
  const nl = lastLiteralLen;
  const m = literalToUtf8(msg, false);
  const ml = lastLiteralLen;
  const out = malloc(<usize>(nl + ml + 3));
  memory.copy(out, n, <usize>nl);
  store<u8>(out + nl, 0x3a);
  store<u8>(out + nl + 1, 0x20);
  memory.copy(out + nl + 2, m, <usize>ml);
  store<u8>(out + nl + 2 + ml, 0);
  runtimeErrorRaw(literalToUtf8("eval_builtin_error", true), out);
}

/** "<code>: <msg>" from two NUL-terminated byte strings in memory. */
export function runtimeErrorRaw(code: usize, msg: usize): void {
  const cl = cstrLen(code);
  const ml = cstrLen(msg);
  const out = malloc(cl + ml + 3);
  memory.copy(out, code, cl);
  store<u8>(out + cl, 0x3a);
  store<u8>(out + cl + 1, 0x20);
  memory.copy(out + cl + 2, msg, ml);
  store<u8>(out + cl + 2 + ml, 0);
  abortWith(out);
}

export function cstrLen(p: usize): usize {
  let n: usize = 0;
  while (load<u8>(p + n) != 0) n++;
  return n;
}

/** Target of AssemblyScript's `abort` (--use abort=...): reports the message through opa_abort. */
export function asAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  const m = message === null ? 'abort' : message;
  abortWith(literalToUtf8(changetype<string>(m), true));
  // keep parameters used
  if (fileName === null && line == column) unreachable();
}

/** 1 when builtin errors abort evaluation (OPA's strict-builtin-errors); 0: the call is undefined.
 *  Exported as the mutable global `strict_builtin_errors`; the code generator sets its init. */
export let strict_builtin_errors: i32 = 0;

const TYPE_NAMES: StaticArray<string> = ['undefined', 'null', 'boolean', 'number', 'string', 'array', 'object', 'set'];

/** OPA's operand type error: "eval_type_error: <name>: operand <n> must be <expected> but got <type>".
 *  Aborts in strict mode; otherwise returns 0 (undefined) for the builtin to return. */
export function typeError(name: string, operand: i32, expected: string, got: usize): usize {
  if (strict_builtin_errors == 0) return 0;
  const t = got == 0 ? 0 : <i32>load<u8>(got);
  // Built in linear memory: AS string concatenation would allocate outside our heap.
  const b = bufNew(96);
  bufLiteral(b, name);
  bufLiteral(b, ': operand ');
  bufByte(b, <u8>(0x30 + operand));
  bufLiteral(b, ' must be ');
  bufLiteral(b, expected);
  bufLiteral(b, ' but got ');
  bufLiteral(b, unchecked(TYPE_NAMES[t < 8 ? t : 0]));
  bufByte(b, 0);
  runtimeErrorRaw(literalToUtf8('eval_type_error', true), bufData(b));
  return 0;
}

/** OPA's other operand errors (builtins.NewOperandErr), also of code eval_type_error:
 *  "<name>: operand <n> <msg>" in strict mode; otherwise 0 (undefined). */
export function operandFail(name: string, operand: i32, msg: string): usize {
  if (strict_builtin_errors == 0) return 0;
  const b = bufNew(96);
  bufLiteral(b, name);
  bufLiteral(b, ': operand ');
  bufByte(b, <u8>(0x30 + operand));
  bufByte(b, 0x20);
  bufLiteral(b, msg);
  bufByte(b, 0);
  runtimeErrorRaw(literalToUtf8('eval_type_error', true), bufData(b));
  return 0;
}

/** OPA's element type error (builtins.NewOperandElementErr), code eval_type_error:
 *  "<name>: operand <n> must be <composite> of <expected>s but got <composite> containing <type>". */
export function elementTypeError(name: string, operand: i32, composite: string, expected: string, got: usize): usize {
  if (strict_builtin_errors == 0) return 0;
  const t = got == 0 ? 0 : <i32>load<u8>(got);
  const b = bufNew(128);
  bufLiteral(b, name);
  bufLiteral(b, ': operand ');
  bufByte(b, <u8>(0x30 + operand));
  bufLiteral(b, ' must be ');
  bufLiteral(b, composite);
  bufLiteral(b, ' of ');
  bufLiteral(b, expected);
  bufLiteral(b, 's but got ');
  bufLiteral(b, composite);
  bufLiteral(b, ' containing ');
  bufLiteral(b, unchecked(TYPE_NAMES[t < 8 ? t : 0]));
  bufByte(b, 0);
  runtimeErrorRaw(literalToUtf8('eval_type_error', true), bufData(b));
  return 0;
}

/** An operand error (eval_type_error) whose text "<name>: operand <n> <msg>" was built in the byte
 *  builder `b`: aborts in strict mode; otherwise 0 (undefined). */
export function operandFailBuf(b: usize): usize {
  if (strict_builtin_errors == 0) return 0;
  bufByte(b, 0);
  runtimeErrorRaw(literalToUtf8('eval_type_error', true), bufData(b));
  return 0;
}

/** A builtin error whose text "<name>: <msg>" was built in the byte builder `b` (for messages with
 *  values in them): aborts in strict mode; otherwise 0 (undefined). */
export function builtinFailBuf(b: usize): usize {
  if (strict_builtin_errors == 0) return 0;
  bufByte(b, 0);
  runtimeErrorRaw(literalToUtf8('eval_builtin_error', true), bufData(b));
  return 0;
}

/** A builtin error ("eval_builtin_error: <name>: <msg>") in strict mode; otherwise 0 (undefined). */
export function builtinFail(name: string, msg: string): usize {
  if (strict_builtin_errors != 0) builtinError(name, msg);
  return 0;
}
