// Go's strconv float formatting ('e', 'f', 'g', shortest and with precision) built on AssemblyScript's
// shortest round-trip digits (dtoa). Fixed-precision rounding works on the f64 value, so ties and
// precisions beyond 17 significant digits may differ from Go's exact decimal expansion.

import { dtoa_buffered } from "util/number";
import { malloc } from "../../memory";
import { bufByte, bufBytes } from "../../buf";

// shortest digits of |x|: digs[0..nd) (no leading/trailing zeros), decimal exponent: x = 0.d1d2… × 10^dp
// static: the host resets the heap between evaluations, so no lazily malloc'd state may persist
const digs: usize = memory.data(48);
let nd: i32 = 0;
let dp: i32 = 0;

function shortest(x: f64): void {
  const tmp = malloc(64);
  const n = <i32>dtoa_buffered(tmp, Math.abs(x));
  nd = 0;
  let point = -1;
  let exp = 0;
  let i = 0;
  let lead = true;
  let leadZeros = 0;
  for (; i < n; i++) {
    const c = <i32>load<u16>(tmp + (<usize>i << 1));
    if (c == 0x2e) { point = nd + leadZeros; continue; }
    if (c == 0x65) break;
    if (c < 0x30 || c > 0x39) continue;
    if (lead && c == 0x30) { leadZeros++; continue; }
    lead = false;
    if (nd < 40) store<u8>(digs + <usize>(nd++), <u8>c);
  }
  if (i < n) {
    i++;
    let neg = false;
    if (<i32>load<u16>(tmp + (<usize>i << 1)) == 0x2d) { neg = true; i++; } else if (<i32>load<u16>(tmp + (<usize>i << 1)) == 0x2b) i++;
    for (; i < n; i++) exp = exp * 10 + <i32>load<u16>(tmp + (<usize>i << 1)) - 0x30;
    if (neg) exp = -exp;
  }
  const intLen = point < 0 ? nd + leadZeros : point;
  dp = intLen - leadZeros + exp;
  while (nd > 0 && load<u8>(digs + <usize>(nd - 1)) == 0x30) nd--;
  if (nd == 0) dp = 0;
}

// the value whose digits are in digs (for deciding decimal ties against the exact binary value)
let curX: f64 = 0;

/** Sign of (exact |curX|) - (the decimal value of digs): -1, 0, 1; 0 also when it cannot tell. */
function binaryVsDecimal(): i32 {
  if (nd > 15) return 0;
  let mant: f64 = 0;
  for (let i = 0; i < nd; i++) mant = mant * 10 + <f64>(load<u8>(digs + <usize>i) - 0x30);
  const k = nd - dp; // decimal value = mant / 10^k
  if (k < 0 || k > 22) return 0;
  const scale = Math.pow(10, <f64>k);
  const a = Math.abs(curX);
  const prod = a * scale;
  const d = (prod - mant) + twoProductError(a, scale, prod);
  return d > 0 ? 1 : d < 0 ? -1 : 0;
}

/** Rounds digs to `keep` digits; a decimal tie goes the way the exact binary value lies (else to even). */
function roundDigits(keep: i32): void {
  if (keep >= nd) return;
  if (keep < 0) { nd = 0; return; }
  const next = <i32>load<u8>(digs + <usize>keep);
  let up = next > 0x35;
  if (next == 0x35) {
    let rest = false;
    for (let i = keep + 1; i < nd; i++) if (load<u8>(digs + <usize>i) != 0x30) { rest = true; break; }
    if (rest) up = true;
    else {
      const side = binaryVsDecimal();
      up = side > 0 || (side == 0 && keep > 0 && (load<u8>(digs + <usize>(keep - 1)) & 1) == 1);
    }
  }
  nd = keep;
  if (up) {
    let i = keep - 1;
    while (i >= 0 && load<u8>(digs + <usize>i) == 0x39) { i--; }
    if (i < 0) { store<u8>(digs, 0x31); nd = 1; dp++; }
    else { store<u8>(digs + <usize>i, load<u8>(digs + <usize>i) + 1); nd = i + 1; }
  }
  while (nd > 0 && load<u8>(digs + <usize>(nd - 1)) == 0x30) nd--;
}

/** Exact a*b - p for p = fl(a*b) (Dekker's two-product). */
function twoProductError(a: f64, b: f64, p: f64): f64 {
  const ca = 134217729.0 * a;
  const ahi = ca - (ca - a);
  const alo = a - ahi;
  const cb = 134217729.0 * b;
  const bhi = cb - (cb - b);
  const blo = b - bhi;
  return ((ahi * bhi - p) + ahi * blo + alo * bhi) + alo * blo;
}

@inline function digitAt(i: i32): u8 { return i >= 0 && i < nd ? load<u8>(digs + <usize>i) : 0x30; }

function putExp(b: usize, e: i32, upper: bool): void {
  bufByte(b, upper ? 0x45 : 0x65);
  bufByte(b, e < 0 ? 0x2d : 0x2b);
  if (e < 0) e = -e;
  if (e < 10) { bufByte(b, 0x30); bufByte(b, <u8>(0x30 + e)); return; }
  if (e >= 100) bufByte(b, <u8>(0x30 + e / 100));
  bufByte(b, <u8>(0x30 + (e / 10) % 10));
  bufByte(b, <u8>(0x30 + e % 10));
}

/** %e: d.ddd(prec)e±XX; prec < 0 = shortest. Writes the magnitude only (no sign). */
function fmtE(b: usize, prec: i32, upper: bool, sharp: bool): void {
  const e = nd == 0 ? 0 : dp - 1;
  bufByte(b, digitAt(0));
  const frac = prec < 0 ? nd - 1 : prec;
  if (frac > 0 || sharp) bufByte(b, 0x2e);
  for (let i = 1; i <= frac; i++) bufByte(b, digitAt(i));
  putExp(b, e, upper);
}

/** %f with `frac` digits after the point (frac < 0 = as many as the digits need). */
function fmtF(b: usize, frac: i32, sharp: bool): void {
  if (dp > 0) { for (let i = 0; i < dp; i++) bufByte(b, digitAt(i)); }
  else bufByte(b, 0x30);
  const f = frac < 0 ? max<i32>(nd - dp, 0) : frac;
  if (f > 0 || sharp) bufByte(b, 0x2e);
  for (let i = 0; i < f; i++) bufByte(b, digitAt(dp + i));
}

/**
 * Appends |x| formatted as Go's strconv.FormatFloat(x, verb, prec, 64) would (sign excluded).
 * verb: 'e', 'E', 'f', 'F', 'g', 'G'; prec -1 = shortest.
 */
export function formatFloat(b: usize, x: f64, verb: i32, prec: i32, sharp: bool): void {
  if (isNaN(x)) { bufBytes(b, changetype<usize>(memory.data<u8>([0x4e, 0x61, 0x4e])), 3); return; }
  if (!isFinite(x)) { bufBytes(b, changetype<usize>(memory.data<u8>([0x49, 0x6e, 0x66])), 3); return; }
  shortest(x);
  curX = x;
  const upper = verb == 0x45 || verb == 0x47;
  if (verb == 0x65 || verb == 0x45) {
    if (prec >= 0) roundDigits(prec + 1);
    fmtE(b, prec, upper, sharp);
    return;
  }
  if (verb == 0x66 || verb == 0x46) {
    if (prec >= 0) {
      const a = Math.abs(x);
      const scale = Math.pow(10, <f64>prec);
      const s = a * scale;
      if (prec <= 15 && s < 9.007199254740992e15) {
        let r = Math.floor(s);
        const frac = s - r;
        // a tie in the rounded product is decided by the product's exact rounding error
        const err = twoProductError(a, scale, s);
        if (frac > 0.5 || (frac == 0.5 && (err > 0 || (err == 0 && (<i64>r & 1) == 1)))) r += 1;
        // digits of r, with the point `prec` places from the right
        shortest(r);
        dp -= prec;
        if (r == 0) { nd = 0; dp = 0; }
      } else {
        roundDigits(dp + prec);
      }
    }
    fmtF(b, prec, sharp);
    return;
  }
  // 'g' / 'G'
  let eprec = prec;
  if (prec < 0) eprec = 6;
  else {
    if (prec == 0) eprec = 1;
    roundDigits(eprec);
  }
  if (prec >= 0 && eprec > nd && nd >= dp) eprec = nd;
  if (prec < 0) eprec = 6;
  const e = dp - 1;
  if (e < -4 || e >= eprec) {
    fmtE(b, prec < 0 ? -1 : (sharp ? eprec - 1 : max<i32>(nd - 1, 0)), upper, sharp);
    return;
  }
  fmtF(b, prec < 0 ? -1 : (sharp ? max<i32>(eprec - dp, 0) : max<i32>(nd - dp, 0)), sharp);
}
