// io.jwt.decode: structural decoding of a JWS compact token (no verification), as OPA returns it:
// [header, payload, signature as lowercase hex]. Nested tokens (cty "JWT") are decoded recursively.

import {
  vtype, TYPE_OBJECT, makeArray, arrAppend, objGet, strFromLiteral, strLen, strPtr, strEqualsLiteral,
} from "../value";
import { jsonParse } from "../json";
import { isString } from "./lib/text";
import { base64UrlDecodeLenient, hexEncodeBytes } from "./lib/base64";
import { builtinFail, builtinFailBuf, typeError } from "../error";
import { bufNew, bufLiteral } from "../buf";
import { putU64 } from "./lib/text";

const NAME = "io.jwt.decode";

/** OPA's "JWT <part> had invalid encoding: illegal base64 data at input byte <i>" (Go's base64 error). */
function encodingError(part: string, p: usize, n: i32): usize {
  let at = 0;
  while (at < n) {
    const c = load<u8>(p + <usize>at);
    const ok = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c == 0x2d || c == 0x5f;
    if (!ok) break;
    at++;
  }
  const b = bufNew(96);
  bufLiteral(b, NAME);
  bufLiteral(b, ": JWT ");
  bufLiteral(b, part);
  bufLiteral(b, " had invalid encoding: illegal base64 data at input byte ");
  putU64(b, <u64>at);
  return builtinFailBuf(b);
}

const MAX_NESTING = 8;

function decodeObject(p: usize, n: i32, part: string): usize {
  const raw = base64UrlDecodeLenient(p, n);
  if (raw == 0) return encodingError(part, p, n);
  const v = jsonParse(strPtr(raw), <usize>strLen(raw));
  if (v == 0 || vtype(v) != TYPE_OBJECT) return 0;
  return v;
}

function decode(p: usize, n: i32, depth: i32): usize {
  if (depth > MAX_NESTING) return 0;
  // exactly three dot-separated parts
  let d1 = -1, d2 = -1, dots = 0;
  for (let i = 0; i < n; i++) {
    if (load<u8>(p + <usize>i) != 0x2e) continue;
    dots++;
    if (d1 < 0) d1 = i; else if (d2 < 0) d2 = i;
  }
  if (dots == 0) return builtinFail(NAME, "encoded JWT had no period separators");
  if (dots != 2) {
    const b = bufNew(64);
    bufLiteral(b, NAME);
    bufLiteral(b, ": encoded JWT must have 3 sections, found ");
    putU64(b, <u64>(dots + 1));
    return builtinFailBuf(b);
  }
  const header = decodeObject(p, d1, "header");
  if (header == 0) return 0;
  if (objGet(header, strFromLiteral("enc")) != 0) return builtinFail(NAME, "JWT is a JWE object, which is not supported");
  const cty = objGet(header, strFromLiteral("cty"));
  if (cty != 0 && strEqualsLiteral(cty, "JWT")) {
    const inner = base64UrlDecodeLenient(p + <usize>d1 + 1, d2 - d1 - 1);
    if (inner == 0) return encodingError("payload", p + <usize>d1 + 1, d2 - d1 - 1);
    // jwt.io quotes nested tokens: trim quotes as OPA does
    let a = strPtr(inner), z = a + <usize>strLen(inner);
    while (a < z && (load<u8>(a) == 0x22 || load<u8>(a) == 0x27)) a++;
    while (z > a && (load<u8>(z - 1) == 0x22 || load<u8>(z - 1) == 0x27)) z--;
    return decode(a, <i32>(z - a), depth + 1);
  }
  const payload = decodeObject(p + <usize>d1 + 1, d2 - d1 - 1, "payload");
  if (payload == 0) return 0;
  const sig = base64UrlDecodeLenient(p + <usize>d2 + 1, n - d2 - 1);
  if (sig == 0) return encodingError("signature", p + <usize>d2 + 1, n - d2 - 1);
  const out = makeArray(3);
  arrAppend(out, header);
  arrAppend(out, payload);
  arrAppend(out, hexEncodeBytes(strPtr(sig), strLen(sig)));
  return out;
}

export function b_io_jwt_decode(jwt: usize): usize {
  if (!isString(jwt)) return typeError(NAME, 1, "string", jwt);
  return decode(strPtr(jwt), strLen(jwt), 0);
}
