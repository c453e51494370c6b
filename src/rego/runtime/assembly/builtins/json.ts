// json.marshal / json.unmarshal / json.is_valid over the runtime's JSON parser and dumper. marshal
// escapes <, >, & and U+2028/U+2029 as Go's encoding/json does (OPA marshals with it).

import { vtype, TYPE_OBJECT, makeBool, makeString, strLen, strPtr, objGet, objLen, objKeyAt, strFromLiteral, strEqualsLiteral, boolValue, TYPE_BOOLEAN } from "../value";
import { jsonParse, jsonDumpTo } from "../json";
import { bufNew, bufByte, bufBytes, bufLiteral, bufLen, bufData, bufToString } from "../buf";
import { isString } from "./lib/text";
import { builtinFail, operandFailBuf, typeError } from "../error";

/** Copies JSON text at [p, p+n) into a new buffer with Go's HTML-safe escapes. */
function htmlEscape(p: usize, n: i32): usize {
  const b = bufNew(n + 8);
  let run = 0;
  for (let i = 0; i < n; i++) {
    const c = load<u8>(p + <usize>i);
    let esc = "";
    let skip = 1;
    if (c == 0x3c) esc = "\\u003c";
    else if (c == 0x3e) esc = "\\u003e";
    else if (c == 0x26) esc = "\\u0026";
    else if (c == 0xe2 && i + 2 < n && load<u8>(p + <usize>i + 1) == 0x80) {
      const d = load<u8>(p + <usize>i + 2);
      if (d == 0xa8) { esc = "\\u2028"; skip = 3; }
      else if (d == 0xa9) { esc = "\\u2029"; skip = 3; }
    }
    if (esc.length == 0) continue;
    bufBytes(b, p + <usize>run, i - run);
    bufLiteral(b, esc);
    i += skip - 1;
    run = i + 1;
  }
  bufBytes(b, p + <usize>run, n - run);
  return b;
}

export function b_json_marshal(x: usize): usize {
  if (x == 0) return 0;
  const b = bufNew(64);
  jsonDumpTo(b, x);
  const e = htmlEscape(bufData(b), bufLen(b));
  return bufToString(e);
}

/** json.marshal_with_options: {"pretty": bool, "indent": string, "prefix": string}. */
export function b_json_marshal_with_options(x: usize, opts: usize): usize {
  if (x == 0) return 0;
  if (opts == 0 || vtype(opts) != TYPE_OBJECT) return typeError("json.marshal_with_options", 2, "object", opts);
  const nk = objLen(opts);
  for (let i = 0; i < nk; i++) {
    const k = objKeyAt(opts, i);
    if (isString(k) && (strEqualsLiteral(k, "pretty") || strEqualsLiteral(k, "indent") || strEqualsLiteral(k, "prefix"))) continue;
    const b = bufNew(96);
    bufLiteral(b, "json.marshal_with_options: operand 2 object contained unknown key ");
    jsonDumpTo(b, k);
    return operandFailBuf(b);
  }
  const prettyV = objGet(opts, strFromLiteral("pretty"));
  let indentV = objGet(opts, strFromLiteral("indent"));
  let prefixV = objGet(opts, strFromLiteral("prefix"));
  if (prettyV != 0 && vtype(prettyV) != TYPE_BOOLEAN) return 0;
  if ((indentV != 0 && !isString(indentV)) || (prefixV != 0 && !isString(prefixV))) return 0;
  const pretty = prettyV != 0 ? boolValue(prettyV) : (indentV != 0 || prefixV != 0);
  const compact = b_json_marshal(x);
  if (!pretty) return compact;
  if (indentV == 0) indentV = strFromLiteral("\t");
  if (prefixV == 0) prefixV = makeString(0, 0);
  // OPA writes the prefix before the first line too (Go's json.Indent leaves it out)
  return indentJson(strPtr(compact), strLen(compact), strPtr(prefixV), strLen(prefixV), strPtr(indentV), strLen(indentV));
}

/** Go's json.Indent over compact JSON text (prefix on every line but the first, indent per level). */
function indentJson(p: usize, n: i32, pre: usize, pn: i32, ind: usize, inl: i32): usize {
  const b = bufNew(n * 2 + 16);
  bufBytes(b, pre, pn);
  let depth = 0;
  let inStr = false;
  let needIndent = false;
  for (let i = 0; i < n; i++) {
    const c = load<u8>(p + <usize>i);
    if (inStr) {
      bufByte(b, c);
      if (c == 0x5c && i + 1 < n) { i++; bufByte(b, load<u8>(p + <usize>i)); }
      else if (c == 0x22) inStr = false;
      continue;
    }
    if (needIndent && c != 0x5d && c != 0x7d) {
      needIndent = false;
      depth++;
      newline(b, pre, pn, ind, inl, depth);
    }
    if (c == 0x22) { inStr = true; bufByte(b, c); }
    else if (c == 0x7b || c == 0x5b) { bufByte(b, c); needIndent = true; }
    else if (c == 0x2c) { bufByte(b, c); newline(b, pre, pn, ind, inl, depth); }
    else if (c == 0x3a) { bufByte(b, c); bufByte(b, 0x20); }
    else if (c == 0x7d || c == 0x5d) {
      if (needIndent) needIndent = false; // empty collection stays "{}" / "[]"
      else { depth--; newline(b, pre, pn, ind, inl, depth); }
      bufByte(b, c);
    } else bufByte(b, c);
  }
  return bufToString(b);
}

function newline(b: usize, pre: usize, pn: i32, ind: usize, inl: i32, depth: i32): void {
  bufByte(b, 0x0a);
  bufBytes(b, pre, pn);
  for (let d = 0; d < depth; d++) bufBytes(b, ind, inl);
}

export function b_json_unmarshal(s: usize): usize {
  if (!isString(s)) return typeError('json.unmarshal', 1, 'string', s);
  const v = jsonParse(strPtr(s), <usize>strLen(s));
  return v != 0 ? v : builtinFail('json.unmarshal', 'invalid JSON text');
}

export function b_json_is_valid(s: usize): usize {
  if (!isString(s)) return makeBool(false);
  return makeBool(jsonParse(strPtr(s), <usize>strLen(s)) != 0);
}
