// io.jwt.decode: structural decoding of a JWS compact token (no verification), as OPA returns it:
// [header, payload, signature as lowercase hex]. Nested tokens (cty "JWT") are decoded recursively.

import {
  vtype, TYPE_OBJECT, makeArray, arrAppend, objGet, strFromLiteral, strLen, strPtr, strEqualsLiteral,
} from "../value";
import { jsonParse } from "../json";
import { isString } from "./lib/text";
import { base64UrlDecodeLenient, hexEncodeBytes } from "./lib/base64";

const MAX_NESTING = 8;

function decodeObject(p: usize, n: i32): usize {
  const raw = base64UrlDecodeLenient(p, n);
  if (raw == 0) return 0;
  const v = jsonParse(strPtr(raw), <usize>strLen(raw));
  if (v == 0 || vtype(v) != TYPE_OBJECT) return 0;
  return v;
}

function decode(p: usize, n: i32, depth: i32): usize {
  if (depth > MAX_NESTING) return 0;
  // exactly three dot-separated parts
  let d1 = -1, d2 = -1;
  for (let i = 0; i < n; i++) {
    if (load<u8>(p + <usize>i) != 0x2e) continue;
    if (d1 < 0) d1 = i; else if (d2 < 0) d2 = i; else return 0;
  }
  if (d2 < 0) return 0;
  const header = decodeObject(p, d1);
  if (header == 0) return 0;
  if (objGet(header, strFromLiteral("enc")) != 0) return 0; // JWE is not supported
  const cty = objGet(header, strFromLiteral("cty"));
  if (cty != 0 && strEqualsLiteral(cty, "JWT")) {
    const inner = base64UrlDecodeLenient(p + <usize>d1 + 1, d2 - d1 - 1);
    if (inner == 0) return 0;
    // jwt.io quotes nested tokens: trim quotes as OPA does
    let a = strPtr(inner), z = a + <usize>strLen(inner);
    while (a < z && (load<u8>(a) == 0x22 || load<u8>(a) == 0x27)) a++;
    while (z > a && (load<u8>(z - 1) == 0x22 || load<u8>(z - 1) == 0x27)) z--;
    return decode(a, <i32>(z - a), depth + 1);
  }
  const payload = decodeObject(p + <usize>d1 + 1, d2 - d1 - 1);
  if (payload == 0) return 0;
  const sig = base64UrlDecodeLenient(p + <usize>d2 + 1, n - d2 - 1);
  if (sig == 0) return 0;
  const out = makeArray(3);
  arrAppend(out, header);
  arrAppend(out, payload);
  arrAppend(out, hexEncodeBytes(strPtr(sig), strLen(sig)));
  return out;
}

export function b_io_jwt_decode(jwt: usize): usize {
  if (!isString(jwt)) return 0;
  return decode(strPtr(jwt), strLen(jwt), 0);
}
