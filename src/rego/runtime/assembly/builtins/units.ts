// units.parse_bytes and units.parse (OPA topdown/parse_bytes.go, parse_units.go), in f64 arithmetic.

import { makeInt, makeNumberText, numFloat, strLen, strPtr } from "../value";
import { malloc } from "../memory";
import { bufNew, bufByte, bufLen, bufData } from "../buf";
import { isString, putU64 } from "./lib/text";
import { decimalNumber } from "./lib/decimal";
import { builtinFail, typeError } from "../error";

// the number/unit split of the last extractNumAndUnit
let numP: usize = 0;
let numN: i32 = 0;
let unitP: usize = 0;
let unitN: i32 = 0;

function isDigit(c: i32): bool { return c >= 0x30 && c <= 0x39; }

/** OPA's extractNumAndUnit; false when the exponent has more than 6 digits. */
function split(p: usize, n: i32): bool {
  let first = -1;
  for (let i = 0; i < n; i++) {
    const c = <i32>load<u8>(p + <usize>i);
    if (!(isDigit(c) || c == 0x2e) && c != 0x65 && c != 0x45 && c != 0x2b && c != 0x2d) { first = i; break; }
    if (c == 0x65 || c == 0x45) {
      if (i == n - 1) { first = i; break; }
      const d = <i32>load<u8>(p + <usize>i + 1);
      if (!isDigit(d) && d != 0x2b && d != 0x2d) { first = i; break; }
      if (d == 0x2b || d == 0x2d) i++;
      let e = i + 1;
      while (e < n && isDigit(<i32>load<u8>(p + <usize>e))) e++;
      if (e - (i + 1) > 6) return false;
    }
  }
  numP = p; unitP = p;
  if (first < 0) { numN = n; unitN = 0; }
  else if (first == 0) { numN = 0; unitP = p; unitN = n; }
  else { numN = first; unitP = p + <usize>first; unitN = n - first; }
  return true;
}

/** Copy of the string without '"', optionally lower-cased (ASCII); null if it contains a space. */
function clean(s: usize, lower: bool): usize {
  const p = strPtr(s), n = strLen(s);
  const b = bufNew(n);
  for (let i = 0; i < n; i++) {
    let c = load<u8>(p + <usize>i);
    if (c == 0x20) return 0;
    if (c == 0x22) continue;
    if (lower && c >= 0x41 && c <= 0x5a) c += 32;
    bufByte(b, c);
  }
  return b;
}

function unitIs(s: string): bool {
  if (unitN != s.length) return false;
  for (let i = 0; i < unitN; i++) if (<i32>load<u8>(unitP + <usize>i) != s.charCodeAt(i)) return false;
  return true;
}

// ---- exact decimal arithmetic (OPA multiplies with big.Float / big.Rat) --------------------------

const POW10_U64 = memory.data<u64>([
  1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000, 100000000000,
  1000000000000, 10000000000000, 100000000000000, 1000000000000000, 10000000000000000, 100000000000000000,
  1000000000000000000, 10000000000000000000,
]);
@inline function pow10u(k: i32): u64 { return load<u64>(POW10_U64 + (<usize>k << 3)); }

// the number text as ±mant × 10^exp10 (decimalParts returns false if it does not fit)
let dNeg = false;
let dMant: u64 = 0;
let dExp: i32 = 0;

function decimalParts(p: usize, n: i32): bool {
  let i = 0;
  dNeg = false;
  if (i < n && (load<u8>(p) == 0x2b || load<u8>(p) == 0x2d)) { dNeg = load<u8>(p) == 0x2d; i++; }
  let mant: u64 = 0, digits = 0, exp = 0, seen = 0;
  let point = false;
  for (; i < n; i++) {
    const c = <i32>load<u8>(p + <usize>i);
    if (c == 0x2e) { if (point) return false; point = true; continue; }
    if (c < 0x30 || c > 0x39) break;
    seen++;
    if (mant == 0 && c == 0x30) { if (point) exp--; continue; }
    if (digits >= 19) return false;
    mant = mant * 10 + <u64>(c - 0x30);
    digits++;
    if (point) exp--;
  }
  if (seen == 0) return false;
  if (i < n) {
    const c = load<u8>(p + <usize>i);
    if (c != 0x65 && c != 0x45) return false;
    i++;
    let eneg = false;
    if (i < n && (load<u8>(p + <usize>i) == 0x2b || load<u8>(p + <usize>i) == 0x2d)) { eneg = load<u8>(p + <usize>i) == 0x2d; i++; }
    let e = 0, ed = 0;
    while (i < n && isDigit(<i32>load<u8>(p + <usize>i))) { e = e * 10 + <i32>load<u8>(p + <usize>i) - 0x30; i++; ed++; }
    if (ed == 0 || i != n) return false;
    exp += eneg ? -e : e;
  }
  dMant = mant;
  dExp = exp;
  return true;
}

/**
 * ±dMant × unit × 10^(dExp - milliShift) exactly when it fits: truncated to an integer (truncate),
 * or as OPA prints a big.Rat (integer, else 10 decimals rounded half away from zero). 0 if it does not fit.
 */
function exactNumber(unit: u64, milliShift: i32, truncate: bool): usize {
  if (dMant != 0 && unit > u64.MAX_VALUE / dMant) return 0;
  let t = dMant * unit;
  const e = dExp - milliShift;
  const b = bufNew(48);
  if (dNeg && t != 0) bufByte(b, 0x2d);
  if (t == 0) { return makeInt(0); }
  if (e >= 0) {
    for (let k = 0; k < e; k++) { if (t > u64.MAX_VALUE / 10) return 0; t *= 10; }
    putU64(b, t);
    return makeNumberText(bufData(b), <usize>bufLen(b));
  }
  const k = -e;
  if (k > 19) return 0;
  const d = pow10u(k);
  let q = t / d;
  const r = t % d;
  if (r == 0 || truncate) {
    if (q == 0) return makeInt(0);
    putU64(b, q);
    return makeNumberText(bufData(b), <usize>bufLen(b));
  }
  // ten decimals of r / d, rounded half away from zero
  let frac: u64;
  if (k <= 9) frac = r * pow10u(10 - k);
  else {
    const div = pow10u(k - 10);
    frac = r / div;
    if ((r % div) * 2 >= div) frac++;
  }
  if (frac >= 10_000_000_000) { frac -= 10_000_000_000; q++; }
  putU64(b, q);
  bufByte(b, 0x2e);
  const digits = malloc(10);
  let f = frac;
  for (let i = 9; i >= 0; i--) { store<u8>(digits + <usize>i, <u8>(0x30 + <i32>(f % 10))); f /= 10; }
  for (let i = 0; i < 10; i++) bufByte(b, load<u8>(digits + <usize>i));
  return makeNumberText(bufData(b), <usize>bufLen(b));
}

/** A non-negative-or-negative f64 integral value as a number (exact text beyond i64). */
function integralNumber(f: f64): usize {
  if (f > -9.2e18 && f < 9.2e18) return makeInt(<i64>f);
  if (!isFinite(f) || Math.abs(f) >= 1.8e19) return 0;
  const b = bufNew(24);
  if (f < 0) bufByte(b, 0x2d);
  putU64(b, <u64>Math.abs(f));
  return makeNumberText(bufData(b), <usize>bufLen(b));
}

export function b_units_parse_bytes(s: usize): usize {
  if (!isString(s)) return typeError('units.parse_bytes', 1, 'string', s);
  const b = clean(s, true);
  if (b == 0) return builtinFail('units.parse_bytes', 'spaces not allowed in resource strings');
  if (!split(bufData(b), bufLen(b))) return builtinFail('units.parse_bytes', 'could not parse byte amount to a number');
  if (numN == 0) return builtinFail('units.parse_bytes', 'no byte amount provided');
  let m: f64 = 0;
  if (unitN == 0) m = 1;
  else if (unitIs("kb") || unitIs("k")) m = 1e3;
  else if (unitIs("kib") || unitIs("ki")) m = 1024;
  else if (unitIs("mb") || unitIs("m")) m = 1e6;
  else if (unitIs("mib") || unitIs("mi")) m = 1048576;
  else if (unitIs("gb") || unitIs("g")) m = 1e9;
  else if (unitIs("gib") || unitIs("gi")) m = 1073741824;
  else if (unitIs("tb") || unitIs("t")) m = 1e12;
  else if (unitIs("tib") || unitIs("ti")) m = 1099511627776;
  else if (unitIs("pb") || unitIs("p")) m = 1e15;
  else if (unitIs("pib") || unitIs("pi")) m = 1125899906842624;
  else if (unitIs("eb") || unitIs("e")) m = 1e18;
  else if (unitIs("eib") || unitIs("ei")) m = 1152921504606846976;
  else return builtinFail('units.parse_bytes', 'byte unit not recognized');
  const num = decimalNumber(numP, numN);
  if (num == 0) return builtinFail('units.parse_bytes', 'could not parse byte amount to a number');
  if (decimalParts(numP, numN)) {
    const exact = exactNumber(<u64>m, 0, true);
    if (exact != 0) return exact;
  }
  return integralNumber(Math.trunc(numFloat(num) * m));
}

export function b_units_parse(s: usize): usize {
  if (!isString(s)) return typeError('units.parse', 1, 'string', s);
  const b = clean(s, false);
  if (b == 0) return builtinFail('units.parse', 'spaces not allowed in resource strings');
  if (!split(bufData(b), bufLen(b))) return builtinFail('units.parse', 'could not parse amount to a number');
  if (numN == 0) return builtinFail('units.parse', 'no amount provided');
  // lower-case all but the first unit character, so "m" (milli) and "M" (mega) differ
  for (let i = 1; i < unitN; i++) {
    const c = load<u8>(unitP + <usize>i);
    if (c >= 0x41 && c <= 0x5a) store<u8>(unitP + <usize>i, c + 32);
  }
  let m: f64 = 0;
  let milli = false;
  if (unitN == 0) m = 1;
  else if (unitIs("m")) { m = 1; milli = true; }
  else if (unitIs("k") || unitIs("K")) m = 1e3;
  else if (unitIs("ki") || unitIs("Ki")) m = 1024;
  else if (unitIs("M")) m = 1e6;
  else if (unitIs("mi") || unitIs("Mi")) m = 1048576;
  else if (unitIs("g") || unitIs("G")) m = 1e9;
  else if (unitIs("gi") || unitIs("Gi")) m = 1073741824;
  else if (unitIs("t") || unitIs("T")) m = 1e12;
  else if (unitIs("ti") || unitIs("Ti")) m = 1099511627776;
  else if (unitIs("p") || unitIs("P")) m = 1e15;
  else if (unitIs("pi") || unitIs("Pi")) m = 1125899906842624;
  else if (unitIs("e") || unitIs("E")) m = 1e18;
  else if (unitIs("ei") || unitIs("Ei")) m = 1152921504606846976;
  else return builtinFail('units.parse', 'unit not recognized');
  const num = decimalNumber(numP, numN);
  if (num == 0) return builtinFail('units.parse', 'could not parse amount to a number');
  if (decimalParts(numP, numN)) {
    const exact = exactNumber(<u64>m, milli ? 3 : 0, false);
    if (exact != 0) return exact;
  }
  let x = numFloat(num) * m;
  if (milli) x = numFloat(num) / 1000;
  if (x == Math.floor(x)) return integralNumber(x);
  return fixed10(x);
}

/** x with 10 digits after the point (big.Rat.FloatString(10)). */
function fixed10(x: f64): usize {
  const neg = x < 0;
  const a = Math.abs(x);
  if (a >= 1.8e9) return 0;
  const scaled = <u64>Math.round(a * 1e10);
  const ip = scaled / 10_000_000_000;
  const fp = scaled % 10_000_000_000;
  const b = bufNew(32);
  if (neg) bufByte(b, 0x2d);
  putU64(b, ip);
  bufByte(b, 0x2e);
  const digits = malloc(10);
  let f = fp;
  for (let i = 9; i >= 0; i--) { store<u8>(digits + <usize>i, <u8>(0x30 + <i32>(f % 10))); f /= 10; }
  for (let i = 0; i < 10; i++) bufByte(b, load<u8>(digits + <usize>i));
  return makeNumberText(bufData(b), <usize>bufLen(b));
}
