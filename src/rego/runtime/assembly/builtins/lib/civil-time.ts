// Proleptic Gregorian calendar arithmetic on days since 1970-01-01 (H. Hinnant's algorithms), and
// RFC 3339 parsing as Go's time.Parse(time.RFC3339, …) accepts it. UTC only: Wasm has no tz database.

export function daysFromCivil(y: i64, m: i32, d: i32): i64 {
  y -= m <= 2 ? 1 : 0;
  const era: i64 = (y >= 0 ? y : y - 399) / 400;
  const yoe: i64 = y - era * 400;
  const doy: i64 = <i64>((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
  const doe: i64 = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// results of civilFromDays
export let civilYear: i64 = 0;
export let civilMonth: i32 = 0;
export let civilDay: i32 = 0;

export function civilFromDays(z: i64): void {
  z += 719468;
  const era: i64 = (z >= 0 ? z : z - 146096) / 146097;
  const doe: i64 = z - era * 146097;
  const yoe: i64 = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const doy: i64 = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const mp: i64 = (5 * doy + 2) / 153;
  civilDay = <i32>(doy - (153 * mp + 2) / 5 + 1);
  civilMonth = <i32>(mp < 10 ? mp + 3 : mp - 9);
  civilYear = yoe + era * 400 + (civilMonth <= 2 ? 1 : 0);
}

export function isLeap(y: i64): bool { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

export function daysIn(m: i32, y: i64): i32 {
  if (m == 2) return isLeap(y) ? 29 : 28;
  return m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31;
}

export const NS_PER_SEC: i64 = 1_000_000_000;
export const NS_PER_DAY: i64 = 86_400 * NS_PER_SEC;

/** Floor division and modulo for i64. */
export function floorDiv(a: i64, b: i64): i64 { const q = a / b; return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q; }
export function floorMod(a: i64, b: i64): i64 { const r = a % b; return r != 0 && ((r < 0) != (b < 0)) ? r + b : r; }

function digits(p: usize, n: i32): i32 {
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = <i32>load<u8>(p + <usize>i) - 0x30;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Seconds since the epoch and nanoseconds from parseRFC3339 (which returns false if invalid). */
/** The int64 nanoseconds of the last toNs. */
export let nsOut: i64 = 0;

/** sec + nano (0 ≤ nano < 1e9) as int64 ns since the epoch into nsOut; false outside the int64 range
 *  (OPA: "time outside of valid range"), whose ends are 1677-09-21T00:12:43.145224192Z and
 *  2262-04-11T23:47:16.854775807Z. */
export function toNs(sec: i64, nano: i64): bool {
  if (sec > 9223372036 || sec < -9223372037) return false;
  if (sec == 9223372036 && nano > 854775807) return false;
  if (sec == -9223372037) {
    if (nano < 145224192) return false;
    nsOut = i64.MIN_VALUE + (nano - 145224192);
    return true;
  }
  nsOut = sec * NS_PER_SEC + nano;
  return true;
}

export let parsedSec: i64 = 0;
export let parsedNano: i64 = 0;

export function parseRFC3339(p: usize, n: i32): bool {
  if (n < 20) return false;
  const y = digits(p, 4), mo = digits(p + 5, 2), d = digits(p + 8, 2);
  const h = digits(p + 11, 2), mi = digits(p + 14, 2), s = digits(p + 17, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || mi < 0 || s < 0) return false;
  if (load<u8>(p + 4) != 0x2d || load<u8>(p + 7) != 0x2d || load<u8>(p + 10) != 0x54 ||
      load<u8>(p + 13) != 0x3a || load<u8>(p + 16) != 0x3a) return false;
  if (d > daysIn(mo, y) || h > 23 || mi > 59 || s > 59) return false;
  let i = 19;
  let nano: i64 = 0;
  if (i < n && (load<u8>(p + <usize>i) == 0x2e || load<u8>(p + <usize>i) == 0x2c)) {
    i++;
    let nd = 0;
    let scale: i64 = 100_000_000;
    while (i < n) {
      const c = <i32>load<u8>(p + <usize>i) - 0x30;
      if (c < 0 || c > 9) break;
      if (nd < 9) { nano += <i64>c * scale; scale /= 10; }
      nd++;
      i++;
    }
    if (nd == 0) return false;
  }
  if (i >= n) return false;
  let off = 0;
  const z = load<u8>(p + <usize>i);
  if (z == 0x5a) {
    i++;
  } else if (z == 0x2b || z == 0x2d) {
    if (n - i != 6 || load<u8>(p + <usize>i + 3) != 0x3a) return false;
    const oh = digits(p + <usize>i + 1, 2), om = digits(p + <usize>i + 4, 2);
    if (oh < 0 || om < 0 || oh > 23 || om > 59) return false;
    off = (oh * 60 + om) * 60;
    if (z == 0x2d) off = -off;
    i += 6;
  } else {
    return false;
  }
  if (i != n) return false;
  parsedSec = daysFromCivil(y, mo, d) * 86400 + <i64>(h * 3600 + mi * 60 + s) - <i64>off;
  parsedNano = nano;
  return true;
}
