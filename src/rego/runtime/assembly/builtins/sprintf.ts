// sprintf: Go's fmt.Sprintf over OPA's argument conversion — integers as int, other integral
// literals as *big.Int, other numbers as float64, strings as string, everything else as its Rego
// text (a string: so %v prints it and %d reports "%!d(string=…)").

import {
  vtype, TYPE_NULL, TYPE_BOOLEAN, TYPE_NUMBER, TYPE_STRING, TYPE_ARRAY, TYPE_OBJECT, TYPE_SET,
  boolValue, numTryInt, numLastInt, numFloat, numTextPtr, numTextLen, numIsInt, strLen, strPtr, arrLen, arrGet,
  objLen, objKeyAt, objValAt, setLen, setAt,
} from "../value";
import { writeNumber } from "../json";
import { bufNew, bufByte, bufBytes, bufLiteral, bufLen, bufData, bufToString } from "../buf";
import { isString, putU64, putRune, hexDigit } from "./lib/text";
import { decodeRune, runeWidth, runeCount } from "./lib/utf8";
import { formatFloat } from "./lib/float-format";
import { typeError } from "../error";

const K_INT = 0, K_BIG = 1, K_FLOAT = 2, K_STR = 3;

// current argument, converted
let aKind = 0;
let aInt: i64 = 0;
let aFloat: f64 = 0;
let aPtr: usize = 0; // K_STR bytes, K_BIG digits (with '-')
let aLen: i32 = 0;

function isDigitText(p: usize, n: i32): bool {
  let i = 0;
  if (n > 0 && load<u8>(p) == 0x2d) i = 1;
  if (i >= n) return false;
  for (; i < n; i++) { const c = load<u8>(p + <usize>i); if (c < 0x30 || c > 0x39) return false; }
  return true;
}

function loadArg(v: usize): void {
  const t = vtype(v);
  if (t == TYPE_NUMBER) {
    if (numIsInt(v)) { aKind = K_INT; aInt = numLastIntOf(v); return; }
    const tp = numTextPtr(v), tl = numTextLen(v);
    if (tp != 0 && isDigitText(tp, tl)) { aKind = K_BIG; aPtr = tp; aLen = tl; return; }
    aFloat = numFloat(v);
    // beyond float64 OPA hands fmt the number's text (big.Float would not parse it either)
    if (!isFinite(aFloat) && tp != 0) { aKind = K_STR; aPtr = tp; aLen = tl; return; }
    aKind = K_FLOAT;
    return;
  }
  if (t == TYPE_STRING) { aKind = K_STR; aPtr = strPtr(v); aLen = strLen(v); return; }
  const b = bufNew(32);
  writeRego(b, v);
  aKind = K_STR; aPtr = bufData(b); aLen = bufLen(b);
}

function numLastIntOf(v: usize): i64 { numTryInt(v); return numLastInt; }

// ---- Rego text (OPA's Term.String) ----------------------------------------------------------------

function writeRego(b: usize, v: usize): void {
  const t = vtype(v);
  if (t == TYPE_NULL) bufLiteral(b, "null");
  else if (t == TYPE_BOOLEAN) bufLiteral(b, boolValue(v) ? "true" : "false");
  else if (t == TYPE_NUMBER) writeNumber(b, v);
  else if (t == TYPE_STRING) quote(b, strPtr(v), strLen(v));
  else if (t == TYPE_ARRAY) {
    bufByte(b, 0x5b);
    for (let i = 0; i < arrLen(v); i++) { if (i > 0) bufLiteral(b, ", "); writeRego(b, arrGet(v, i)); }
    bufByte(b, 0x5d);
  } else if (t == TYPE_OBJECT) {
    bufByte(b, 0x7b);
    for (let i = 0; i < objLen(v); i++) {
      if (i > 0) bufLiteral(b, ", ");
      writeRego(b, objKeyAt(v, i));
      bufLiteral(b, ": ");
      writeRego(b, objValAt(v, i));
    }
    bufByte(b, 0x7d);
  } else if (t == TYPE_SET) {
    const n = setLen(v);
    if (n == 0) { bufLiteral(b, "set()"); return; }
    bufByte(b, 0x7b);
    for (let i = 0; i < n; i++) { if (i > 0) bufLiteral(b, ", "); writeRego(b, setAt(v, i)); }
    bufByte(b, 0x7d);
  }
}

function isPrint(r: i32): bool {
  if (r < 0x20 || r == 0x7f) return false;
  if (r >= 0x80 && r < 0xa0) return false;
  if (r == 0xad || r == 0xfeff || (r >= 0x2028 && r <= 0x202e) || (r >= 0x200b && r <= 0x200f)) return false;
  if (r >= 0xd800 && r <= 0xdfff) return false;
  return true;
}

/** strconv.Quote. */
function quote(b: usize, p: usize, n: i32): void {
  bufByte(b, 0x22);
  const end = p + <usize>n;
  let q = p;
  while (q < end) {
    const r = decodeRune(q, end);
    const w = runeWidth;
    if (r == 0xfffd && w == 1) {
      bufLiteral(b, "\\x");
      const c = <i32>load<u8>(q);
      bufByte(b, hexDigit(c >> 4, false)); bufByte(b, hexDigit(c, false));
    } else if (r == 0x22 || r == 0x5c) { bufByte(b, 0x5c); bufByte(b, <u8>r); }
    else if (isPrint(r)) bufBytes(b, q, w);
    else if (r == 7) bufLiteral(b, "\\a");
    else if (r == 8) bufLiteral(b, "\\b");
    else if (r == 12) bufLiteral(b, "\\f");
    else if (r == 10) bufLiteral(b, "\\n");
    else if (r == 13) bufLiteral(b, "\\r");
    else if (r == 9) bufLiteral(b, "\\t");
    else if (r == 11) bufLiteral(b, "\\v");
    else if (r < 0x80) { bufLiteral(b, "\\x"); bufByte(b, hexDigit(r >> 4, false)); bufByte(b, hexDigit(r, false)); }
    else if (r < 0x10000) { bufLiteral(b, "\\u"); for (let s = 12; s >= 0; s -= 4) bufByte(b, hexDigit(r >> s, false)); }
    else { bufLiteral(b, "\\U"); for (let s = 28; s >= 0; s -= 4) bufByte(b, hexDigit(r >> s, false)); }
    q += <usize>w;
  }
  bufByte(b, 0x22);
}

// ---- one directive ------------------------------------------------------------------------------

let fMinus = false, fPlus = false, fSpace = false, fZero = false, fSharp = false;
let width = -1, prec = -1;

function typeName(b: usize): void {
  if (aKind == K_INT) bufLiteral(b, "int");
  else if (aKind == K_BIG) bufLiteral(b, "*big.Int");
  else if (aKind == K_FLOAT) bufLiteral(b, "float64");
  else bufLiteral(b, "string");
}

/** The argument as %v with no flags (for error forms). */
function plainValue(b: usize): void {
  if (aKind == K_INT) putI64s(b, aInt);
  else if (aKind == K_BIG) bufBytes(b, aPtr, aLen);
  else if (aKind == K_FLOAT) { if (aFloat < 0 || (aFloat == 0 && 1 / aFloat < 0)) bufByte(b, 0x2d); formatFloat(b, aFloat, 0x67, -1, false); }
  else bufBytes(b, aPtr, aLen);
}

function putI64s(b: usize, v: i64): void {
  if (v < 0) { bufByte(b, 0x2d); putU64(b, v == i64.MIN_VALUE ? <u64>9223372036854775808 : <u64>(-v)); }
  else putU64(b, <u64>v);
}

function badVerb(b: usize, verb: i32): void {
  bufLiteral(b, "%!");
  putRune(b, verb);
  bufByte(b, 0x28);
  typeName(b);
  bufByte(b, 0x3d);
  plainValue(b);
  bufByte(b, 0x29);
}

/** Pads the text in scratch buffer t (runes counted) to `width` into b. */
function pad(b: usize, t: usize, numeric: bool): void {
  const p = bufData(t), n = bufLen(t);
  const w = runeCount(p, n);
  if (width <= w) { bufBytes(b, p, n); return; }
  const fill = width - w;
  if (fMinus) { bufBytes(b, p, n); for (let i = 0; i < fill; i++) bufByte(b, 0x20); return; }
  if (fZero && numeric) {
    // zeros go after the sign
    let s = 0;
    if (n > 0 && (load<u8>(p) == 0x2d || load<u8>(p) == 0x2b || load<u8>(p) == 0x20)) { bufByte(b, load<u8>(p)); s = 1; }
    for (let i = 0; i < fill; i++) bufByte(b, 0x30);
    bufBytes(b, p + <usize>s, n - s);
    return;
  }
  for (let i = 0; i < fill; i++) bufByte(b, fZero ? 0x30 : 0x20);
  bufBytes(b, p, n);
}

function fmtInteger(b: usize, verb: i32): void {
  const t = bufNew(24);
  let neg = false;
  let mag: u64 = 0;
  let bigDigits: usize = 0, bigLen = 0;
  if (aKind == K_INT) { neg = aInt < 0; mag = neg ? (aInt == i64.MIN_VALUE ? <u64>9223372036854775808 : <u64>(-aInt)) : <u64>aInt; }
  else { neg = load<u8>(aPtr) == 0x2d; bigDigits = aPtr + (neg ? 1 : 0); bigLen = aLen - (neg ? 1 : 0); }
  // %c / %q of a negative or beyond-Unicode integer is U+FFFD, as Go's fmtC/fmtQc
  const rune = neg || mag > 0x10ffff ? 0xfffd : <i32>mag;
  if (verb == 0x63) { putRune(t, rune); pad(b, t, false); return; }
  if (verb == 0x55) {
    bufLiteral(t, "U+");
    const d = bufNew(8);
    let m = mag;
    do { bufByte(d, hexDigit(<i32>(m & 15), true)); m >>= 4; } while (m != 0);
    for (let i = bufLen(d); i < 4; i++) bufByte(t, 0x30);
    for (let i = bufLen(d) - 1; i >= 0; i--) bufByte(t, load<u8>(bufData(d) + <usize>i));
    pad(b, t, false);
    return;
  }
  if (verb == 0x71) {
    bufByte(t, 0x27);
    const r = rune;
    if (r == 0x27) bufLiteral(t, "\\'"); else if (isPrint(r)) putRune(t, r); else { bufLiteral(t, "\\x"); bufByte(t, hexDigit(r >> 4, false)); bufByte(t, hexDigit(r, false)); }
    bufByte(t, 0x27);
    pad(b, t, false);
    return;
  }
  let radix: u64 = 10;
  if (verb == 0x62) radix = 2; else if (verb == 0x6f || verb == 0x4f) radix = 8; else if (verb == 0x78 || verb == 0x58) radix = 16;
  const upper = verb == 0x58;
  // digits
  const d = bufNew(70);
  if (bigDigits != 0 && radix == 10) bufBytes(d, bigDigits, bigLen);
  else if (bigDigits != 0) bigToRadix(d, bigDigits, bigLen, <i32>radix, upper);
  else {
    const tmp = bufNew(70);
    let m = mag;
    do { bufByte(tmp, hexDigit(<i32>(m % radix), upper)); m /= radix; } while (m != 0);
    for (let i = bufLen(tmp) - 1; i >= 0; i--) bufByte(d, load<u8>(bufData(tmp) + <usize>i));
  }
  if (neg) bufByte(t, 0x2d); else if (fPlus) bufByte(t, 0x2b); else if (fSpace) bufByte(t, 0x20);
  if (verb == 0x4f) bufLiteral(t, "0o");
  else if (fSharp) {
    if (radix == 16) bufLiteral(t, upper ? "0X" : "0x");
    else if (radix == 8 && load<u8>(bufData(d)) != 0x30) bufByte(t, 0x30);
    else if (radix == 2) bufLiteral(t, "0b");
  }
  let zeroPad = fZero && prec < 0;
  if (prec >= 0) {
    if (prec == 0 && mag == 0 && bigDigits == 0) store<i32>(d, 0); // %.0d of 0 prints nothing
    for (let i = bufLen(d); i < prec; i++) bufByte(t, 0x30);
  }
  bufBytes(t, bufData(d), bufLen(d));
  const saveZero = fZero;
  fZero = zeroPad;
  pad(b, t, true);
  fZero = saveZero;
}

/** Digits of the decimal integer text [p, p+n) in base radix (schoolbook division of the digit string). */
function bigToRadix(out: usize, p: usize, n: i32, radix: i32, upper: bool): void {
  const work = bufNew(n);
  bufBytes(work, p, n);
  const w = bufData(work);
  for (let i = 0; i < n; i++) store<u8>(w + <usize>i, load<u8>(w + <usize>i) - 0x30);
  const rev = bufNew(n * 4 + 4);
  let start = 0;
  while (start < n) {
    let rem = 0;
    for (let i = start; i < n; i++) {
      const cur = rem * 10 + <i32>load<u8>(w + <usize>i);
      store<u8>(w + <usize>i, <u8>(cur / radix));
      rem = cur % radix;
    }
    bufByte(rev, hexDigit(rem, upper));
    while (start < n && load<u8>(w + <usize>start) == 0) start++;
  }
  for (let i = bufLen(rev) - 1; i >= 0; i--) bufByte(out, load<u8>(bufData(rev) + <usize>i));
}

function fmtFloatArg(b: usize, verb: i32): void {
  const t = bufNew(32);
  const x = aFloat;
  const neg = x < 0 || (x == 0 && 1 / x < 0);
  if (neg) bufByte(t, 0x2d); else if (fPlus) bufByte(t, 0x2b); else if (fSpace) bufByte(t, 0x20);
  let v = verb;
  let p = prec;
  if (v == 0x76) { v = 0x67; p = -1; }
  else if ((v == 0x65 || v == 0x45 || v == 0x66 || v == 0x46) && p < 0) p = 6;
  formatFloat(t, x, v, p, fSharp);
  pad(b, t, isFinite(x));
}

function fmtStringArg(b: usize, verb: i32): void {
  const t = bufNew(aLen + 8);
  let n = aLen;
  if (prec >= 0 && (verb == 0x73 || verb == 0x76 || verb == 0x71)) {
    // precision truncates to runes
    const end = aPtr + <usize>aLen;
    let q = aPtr, k = 0;
    while (q < end && k < prec) { decodeRune(q, end); q += <usize>runeWidth; k++; }
    n = <i32>(q - aPtr);
  }
  if (verb == 0x73 || verb == 0x76) bufBytes(t, aPtr, n);
  else if (verb == 0x71) quote(t, aPtr, n);
  else {
    const upper = verb == 0x58;
    let lim = aLen;
    if (prec >= 0 && prec < lim) lim = prec;
    for (let i = 0; i < lim; i++) {
      if (fSpace && i > 0) bufByte(t, 0x20);
      if (fSharp && (fSpace || i == 0)) bufLiteral(t, upper ? "0X" : "0x");
      const c = <i32>load<u8>(aPtr + <usize>i);
      bufByte(t, hexDigit(c >> 4, upper));
      bufByte(t, hexDigit(c, upper));
    }
  }
  pad(b, t, false);
}

function formatArg(b: usize, verb: i32): void {
  if (verb == 0x54) { const t = bufNew(8); typeName(t); pad(b, t, false); return; }
  if (aKind == K_INT || aKind == K_BIG) {
    const ok = aKind == K_INT
      ? (verb == 0x64 || verb == 0x76 || verb == 0x62 || verb == 0x6f || verb == 0x4f || verb == 0x78 || verb == 0x58 || verb == 0x63 || verb == 0x71 || verb == 0x55)
      : (verb == 0x64 || verb == 0x76 || verb == 0x73 || verb == 0x62 || verb == 0x6f || verb == 0x4f || verb == 0x78 || verb == 0x58);
    if (!ok) { badVerb(b, verb); return; }
    fmtInteger(b, verb == 0x76 || verb == 0x73 ? 0x64 : verb);
    return;
  }
  if (aKind == K_FLOAT) {
    if (!(verb == 0x76 || verb == 0x65 || verb == 0x45 || verb == 0x66 || verb == 0x46 || verb == 0x67 || verb == 0x47)) { badVerb(b, verb); return; }
    fmtFloatArg(b, verb);
    return;
  }
  if (!(verb == 0x73 || verb == 0x76 || verb == 0x71 || verb == 0x78 || verb == 0x58)) { badVerb(b, verb); return; }
  fmtStringArg(b, verb);
}

export function b_sprintf(format: usize, args: usize): usize {
  if (!isString(format)) return typeError('sprintf', 1, 'string', format);
  if (args == 0 || vtype(args) != TYPE_ARRAY) return typeError('sprintf', 2, 'array', args);
  const p = strPtr(format), n = strLen(format);
  const nargs = arrLen(args);
  const b = bufNew(n + 16);
  let argi = 0;
  let i = 0;
  while (i < n) {
    const c = <i32>load<u8>(p + <usize>i);
    if (c != 0x25) {
      let j = i;
      while (j < n && load<u8>(p + <usize>j) != 0x25) j++;
      bufBytes(b, p + <usize>i, j - i);
      i = j;
      continue;
    }
    i++;
    fMinus = false; fPlus = false; fSpace = false; fZero = false; fSharp = false;
    width = -1; prec = -1;
    // flags
    while (i < n) {
      const f = <i32>load<u8>(p + <usize>i);
      if (f == 0x2d) { fMinus = true; fZero = false; }
      else if (f == 0x2b) fPlus = true;
      else if (f == 0x20) fSpace = true;
      else if (f == 0x30) fZero = !fMinus;
      else if (f == 0x23) fSharp = true;
      else break;
      i++;
    }
    // width
    if (i < n && load<u8>(p + <usize>i) == 0x2a) {
      i++;
      if (argi < nargs) {
        loadArg(arrGet(args, argi++));
        if (aKind == K_INT && aInt > -1000000 && aInt < 1000000) {
          width = <i32>aInt;
          if (width < 0) { fMinus = true; fZero = false; width = -width; }
        } else bufLiteral(b, "%!(BADWIDTH)");
      } else bufLiteral(b, "%!(BADWIDTH)");
    } else {
      while (i < n && load<u8>(p + <usize>i) >= 0x30 && load<u8>(p + <usize>i) <= 0x39) {
        width = (width < 0 ? 0 : width) * 10 + <i32>load<u8>(p + <usize>i) - 0x30;
        if (width > 1000000) width = 1000000;
        i++;
      }
    }
    // precision
    if (i < n && load<u8>(p + <usize>i) == 0x2e) {
      i++;
      if (i < n && load<u8>(p + <usize>i) == 0x2a) {
        i++;
        if (argi < nargs) {
          loadArg(arrGet(args, argi++));
          if (aKind == K_INT && aInt >= 0 && aInt < 1000000) prec = <i32>aInt;
          else { bufLiteral(b, "%!(BADPREC)"); prec = -1; }
        } else bufLiteral(b, "%!(BADPREC)");
      } else {
        prec = 0;
        while (i < n && load<u8>(p + <usize>i) >= 0x30 && load<u8>(p + <usize>i) <= 0x39) {
          prec = prec * 10 + <i32>load<u8>(p + <usize>i) - 0x30;
          if (prec > 1000000) prec = 1000000;
          i++;
        }
      }
    }
    if (i >= n) { bufLiteral(b, "%!(NOVERB)"); break; }
    const verb = decodeRune(p + <usize>i, p + <usize>n);
    i += runeWidth;
    if (verb == 0x25) { bufByte(b, 0x25); continue; }
    if (argi >= nargs) { bufLiteral(b, "%!"); putRune(b, verb); bufLiteral(b, "(MISSING)"); continue; }
    loadArg(arrGet(args, argi++));
    formatArg(b, verb);
  }
  if (argi < nargs) {
    bufLiteral(b, "%!(EXTRA ");
    for (let k = argi; k < nargs; k++) {
      if (k > argi) bufLiteral(b, ", ");
      loadArg(arrGet(args, k));
      typeName(b);
      bufByte(b, 0x3d);
      plainValue(b);
    }
    bufByte(b, 0x29);
  }
  return bufToString(b);
}
