// Go reference-time layouts ("2006-01-02T15:04:05Z07:00") for time.format and time.parse_ns, in UTC
// (numeric offsets in parsed values are honoured; zone names other than UTC/GMT count as offset 0,
// as Go does for abbreviations it does not know).

import { bufByte, bufBytes, bufLiteral } from "../../buf";
import { daysFromCivil, civilFromDays, civilYear, civilMonth, civilDay, daysIn, isLeap, floorDiv, floorMod, NS_PER_DAY, NS_PER_SEC, toNs, nsOut } from "./civil-time";

// chunk kinds
const S_NONE = 0, S_LONG_MONTH = 1, S_MONTH = 2, S_NUM_MONTH = 3, S_ZERO_MONTH = 4, S_LONG_WEEKDAY = 5,
  S_WEEKDAY = 6, S_DAY = 7, S_UNDER_DAY = 8, S_ZERO_DAY = 9, S_UNDER_YDAY = 10, S_ZERO_YDAY = 11, S_HOUR = 12,
  S_HOUR12 = 13, S_ZERO_HOUR12 = 14, S_MINUTE = 15, S_ZERO_MINUTE = 16, S_SECOND = 17, S_ZERO_SECOND = 18,
  S_LONG_YEAR = 19, S_YEAR = 20, S_PM = 21, S_pm = 22, S_TZ = 23, S_ISO_TZ = 24, S_NUM_TZ = 25, S_FRAC0 = 26,
  S_FRAC9 = 27;

// result of nextChunk: literal prefix [lay+pos, stdStart), token kind, token end
let stdStart: i32 = 0;
let stdEnd: i32 = 0;
let stdKind: i32 = 0;
let tzColons: i32 = 0; // numeric tz: 0 "-0700", 1 "-07:00", 2 "-07:00:00"
let tzSeconds = false;
let tzHourOnly = false;
let fracDigits: i32 = 0;

function at(p: usize, n: i32, i: i32, s: string): bool {
  if (i + s.length > n) return false;
  for (let k = 0; k < s.length; k++) if (<i32>load<u8>(p + <usize>(i + k)) != s.charCodeAt(k)) return false;
  return true;
}

function isDigitAt(p: usize, n: i32, i: i32): bool {
  return i < n && load<u8>(p + <usize>i) >= 0x30 && load<u8>(p + <usize>i) <= 0x39;
}

function found(i: i32, len: i32, kind: i32): void { stdStart = i; stdEnd = i + len; stdKind = kind; }

function tzToken(p: usize, n: i32, i: i32, iso: bool): bool {
  const k = iso ? S_ISO_TZ : S_NUM_TZ;
  const o = i + 1;
  tzSeconds = false; tzHourOnly = false;
  if (at(p, n, o, "070000")) { tzColons = 0; tzSeconds = true; found(i, 7, k); return true; }
  if (at(p, n, o, "07:00:00")) { tzColons = 1; tzSeconds = true; found(i, 9, k); return true; }
  if (at(p, n, o, "0700")) { tzColons = 0; found(i, 5, k); return true; }
  if (at(p, n, o, "07:00")) { tzColons = 1; found(i, 6, k); return true; }
  if (at(p, n, o, "07")) { tzColons = 0; tzHourOnly = true; found(i, 3, k); return true; }
  return false;
}

/** Finds the next layout token at or after `from` (Go's nextStdChunk); false if none. */
function nextChunk(p: usize, n: i32, from: i32): bool {
  for (let i = from; i < n; i++) {
    const c = <i32>load<u8>(p + <usize>i);
    if (c == 0x4a) { // J
      if (at(p, n, i, "January")) { found(i, 7, S_LONG_MONTH); return true; }
      if (at(p, n, i, "Jan")) { found(i, 3, S_MONTH); return true; }
    } else if (c == 0x4d) { // M
      if (at(p, n, i, "Monday")) { found(i, 6, S_LONG_WEEKDAY); return true; }
      if (at(p, n, i, "Mon")) { found(i, 3, S_WEEKDAY); return true; }
      if (at(p, n, i, "MST")) { found(i, 3, S_TZ); return true; }
    } else if (c == 0x30) { // 0
      if (at(p, n, i, "002")) { found(i, 3, S_ZERO_YDAY); return true; }
      if (i + 1 < n) {
        const d = <i32>load<u8>(p + <usize>(i + 1));
        if (d >= 0x31 && d <= 0x36) {
          const kinds = d - 0x31;
          found(i, 2, kinds == 0 ? S_ZERO_MONTH : kinds == 1 ? S_ZERO_DAY : kinds == 2 ? S_ZERO_HOUR12 : kinds == 3 ? S_ZERO_MINUTE : kinds == 4 ? S_ZERO_SECOND : S_YEAR);
          return true;
        }
      }
    } else if (c == 0x31) { // 1
      if (at(p, n, i, "15")) { found(i, 2, S_HOUR); return true; }
      found(i, 1, S_NUM_MONTH); return true;
    } else if (c == 0x32) { // 2
      if (at(p, n, i, "2006")) { found(i, 4, S_LONG_YEAR); return true; }
      found(i, 1, S_DAY); return true;
    } else if (c == 0x5f) { // _
      if (at(p, n, i, "_2")) {
        if (at(p, n, i + 1, "2006")) { found(i + 1, 4, S_LONG_YEAR); return true; }
        found(i, 2, S_UNDER_DAY); return true;
      }
      if (at(p, n, i, "__2")) { found(i, 3, S_UNDER_YDAY); return true; }
    } else if (c == 0x33) { found(i, 1, S_HOUR12); return true; }
    else if (c == 0x34) { found(i, 1, S_MINUTE); return true; }
    else if (c == 0x35) { found(i, 1, S_SECOND); return true; }
    else if (c == 0x50) { if (at(p, n, i, "PM")) { found(i, 2, S_PM); return true; } }
    else if (c == 0x70) { if (at(p, n, i, "pm")) { found(i, 2, S_pm); return true; } }
    else if (c == 0x2d) { if (tzToken(p, n, i, false)) return true; }
    else if (c == 0x5a) { if (tzToken(p, n, i, true)) return true; }
    else if ((c == 0x2e || c == 0x2c) && i + 1 < n) {
      const d = <i32>load<u8>(p + <usize>(i + 1));
      if (d == 0x30 || d == 0x39) {
        let j = i + 1;
        while (j < n && <i32>load<u8>(p + <usize>j) == d) j++;
        if (!isDigitAt(p, n, j)) {
          fracDigits = j - (i + 1);
          found(i, j - i, d == 0x30 ? S_FRAC0 : S_FRAC9);
          return true;
        }
      }
    }
  }
  return false;
}

// names by index (switches over static literals: no AS arrays, whose storage the runtime does not own)
function monthName(i: i32): string {
  switch (i) {
    case 0: return "January"; case 1: return "February"; case 2: return "March"; case 3: return "April";
    case 4: return "May"; case 5: return "June"; case 6: return "July"; case 7: return "August";
    case 8: return "September"; case 9: return "October"; case 10: return "November"; default: return "December";
  }
}

function dayName(i: i32): string {
  switch (i) {
    case 0: return "Sunday"; case 1: return "Monday"; case 2: return "Tuesday"; case 3: return "Wednesday";
    case 4: return "Thursday"; case 5: return "Friday"; default: return "Saturday";
  }
}

function pad(b: usize, v: i32, width: i32, fill: u8): void {
  const tmp = memory.data(12);
  let k = 0;
  let u = v < 0 ? -v : v;
  do { store<u8>(tmp + <usize>(k++), <u8>(0x30 + u % 10)); u /= 10; } while (u != 0);
  if (v < 0) bufByte(b, 0x2d);
  for (let i = k; i < width; i++) bufByte(b, fill);
  while (k > 0) bufByte(b, load<u8>(tmp + <usize>(--k)));
}

function putName(b: usize, s: string, len: i32): void {
  const n = len < s.length ? len : s.length;
  for (let i = 0; i < n; i++) bufByte(b, <u8>s.charCodeAt(i));
}

/** Appends the UTC time ns formatted with the layout at [lay, lay+n). */
/** The zone formatLayout writes times in: offset east of UTC in seconds, and its abbreviation. */
export let fmtZoneOffset: i32 = 0;
export let fmtZoneName: string = "UTC";

/** ±hh[:mm[:ss]] as the current zone token asks. */
function putOffset(b: usize, off: i32): void {
  bufByte(b, off < 0 ? 0x2d : 0x2b);
  const a = off < 0 ? -off : off;
  pad(b, a / 3600, 2, 0x30);
  if (!tzHourOnly) { if (tzColons > 0) bufByte(b, 0x3a); pad(b, (a / 60) % 60, 2, 0x30); }
  if (tzSeconds) { if (tzColons > 0) bufByte(b, 0x3a); pad(b, a % 60, 2, 0x30); }
}

export function formatLayout(b: usize, utcNs: i64, lay: usize, n: i32): void {
  const ns = utcNs + <i64>fmtZoneOffset * NS_PER_SEC;
  const days = floorDiv(ns, NS_PER_DAY);
  const rem = floorMod(ns, NS_PER_DAY);
  const sod = <i32>(rem / NS_PER_SEC);
  const nano = <i32>(rem % NS_PER_SEC);
  civilFromDays(days);
  const year = <i32>civilYear, month = civilMonth, day = civilDay;
  const yday = <i32>(days - daysFromCivil(civilYear, 1, 1)) + 1;
  const wd = <i32>floorMod(days + 4, 7);
  const hour = sod / 3600, min = (sod / 60) % 60, sec = sod % 60;
  let pos = 0;
  while (pos < n) {
    if (!nextChunk(lay, n, pos)) { bufBytes(b, lay + <usize>pos, n - pos); break; }
    bufBytes(b, lay + <usize>pos, stdStart - pos);
    pos = stdEnd;
    const k = stdKind;
    if (k == S_YEAR) pad(b, ((year % 100) + 100) % 100, 2, 0x30);
    else if (k == S_LONG_YEAR) pad(b, year, 4, 0x30);
    else if (k == S_MONTH) putName(b, monthName(month - 1), 3);
    else if (k == S_LONG_MONTH) putName(b, monthName(month - 1), 99);
    else if (k == S_NUM_MONTH) pad(b, month, 0, 0x30);
    else if (k == S_ZERO_MONTH) pad(b, month, 2, 0x30);
    else if (k == S_WEEKDAY) putName(b, dayName(wd), 3);
    else if (k == S_LONG_WEEKDAY) putName(b, dayName(wd), 99);
    else if (k == S_DAY) pad(b, day, 0, 0x30);
    else if (k == S_UNDER_DAY) pad(b, day, 2, 0x20);
    else if (k == S_ZERO_DAY) pad(b, day, 2, 0x30);
    else if (k == S_UNDER_YDAY) pad(b, yday, 3, 0x20);
    else if (k == S_ZERO_YDAY) pad(b, yday, 3, 0x30);
    else if (k == S_HOUR) pad(b, hour, 2, 0x30);
    else if (k == S_HOUR12) pad(b, hour % 12 == 0 ? 12 : hour % 12, 0, 0x30);
    else if (k == S_ZERO_HOUR12) pad(b, hour % 12 == 0 ? 12 : hour % 12, 2, 0x30);
    else if (k == S_MINUTE) pad(b, min, 0, 0x30);
    else if (k == S_ZERO_MINUTE) pad(b, min, 2, 0x30);
    else if (k == S_SECOND) pad(b, sec, 0, 0x30);
    else if (k == S_ZERO_SECOND) pad(b, sec, 2, 0x30);
    else if (k == S_PM) bufLiteral(b, hour >= 12 ? "PM" : "AM");
    else if (k == S_pm) bufLiteral(b, hour >= 12 ? "pm" : "am");
    else if (k == S_TZ) bufLiteral(b, fmtZoneName);
    else if (k == S_ISO_TZ) { if (fmtZoneOffset == 0) bufByte(b, 0x5a); else putOffset(b, fmtZoneOffset); }
    else if (k == S_NUM_TZ) putOffset(b, fmtZoneOffset); else if (k == S_FRAC0 || k == S_FRAC9) {
      const digitsN = fracDigits;
      // digits of nano, most significant first, truncated to digitsN
      let digits = nano;
      let keep = digitsN > 9 ? 9 : digitsN;
      for (let i = keep; i < 9; i++) digits /= 10;
      if (k == S_FRAC9) {
        while (keep > 0 && digits % 10 == 0) { digits /= 10; keep--; }
        if (keep == 0) continue;
      }
      bufByte(b, load<u8>(lay + <usize>stdStart));
      pad(b, digits, keep, 0x30);
    }
  }
}

// ---- parsing ------------------------------------------------------------------------------------

let vp: usize = 0;
let vn: i32 = 0;
let vi: i32 = 0;

/** Reads 1-2 digits (fixed: exactly 2); -1 if none. */
function getnum(fixed: bool): i32 {
  if (!isDigitAt(vp, vn, vi)) return -1;
  if (!isDigitAt(vp, vn, vi + 1)) {
    if (fixed) return -1;
    const v = <i32>load<u8>(vp + <usize>vi) - 0x30;
    vi++;
    return v;
  }
  const v = (<i32>load<u8>(vp + <usize>vi) - 0x30) * 10 + <i32>load<u8>(vp + <usize>(vi + 1)) - 0x30;
  vi += 2;
  return v;
}

function getDigits(count: i32): i32 {
  let v = 0;
  for (let k = 0; k < count; k++) {
    if (!isDigitAt(vp, vn, vi)) return -1;
    v = v * 10 + <i32>load<u8>(vp + <usize>vi) - 0x30;
    vi++;
  }
  return v;
}

/** Case-insensitive match of a month (months) or weekday name (len chars of each, or all if len >= 99); index or -1. */
function lookupName(months: bool, len: i32): i32 {
  const count = months ? 12 : 7;
  for (let k = 0; k < count; k++) {
    const s = months ? monthName(k) : dayName(k);
    const m = len < s.length ? len : s.length;
    if (vi + m > vn) continue;
    let ok = true;
    for (let j = 0; j < m; j++) {
      if ((<i32>load<u8>(vp + <usize>(vi + j)) | 0x20) != (s.charCodeAt(j) | 0x20)) { ok = false; break; }
    }
    if (ok) { vi += m; return k; }
  }
  return -1;
}

/** Fractional seconds: digits after '.'/',' at vi, as nanoseconds; consumes all digits. */
function parseFrac(): i64 {
  let nano: i64 = 0;
  let scale: i64 = 100_000_000;
  vi++; // the separator
  while (isDigitAt(vp, vn, vi)) {
    if (scale > 0) { nano += <i64>(<i32>load<u8>(vp + <usize>vi) - 0x30) * scale; scale /= 10; }
    vi++;
  }
  return nano;
}

/** Parses value [v, v+vlen) with the layout; on success sets `parsedNs`. */
export let parsedNs: i64 = 0;
/** Set when the last parseLayout failed only because the instant is outside the int64 ns range. */
export let parsedOutOfRange = false;

export function parseLayout(lay: usize, n: i32, v: usize, vlen: i32): bool {
  parsedOutOfRange = false;
  vp = v; vn = vlen; vi = 0;
  let year = 1, month = -1, day = -1, yday = -1, hour = 0, min = 0, sec = 0;
  let nano: i64 = 0;
  let pmSet = false, amSet = false;
  let offset = 0;
  let pos = 0;
  while (true) {
    const more = nextChunk(lay, n, pos);
    const litEnd = more ? stdStart : n;
    // literal text must match
    const litLen = litEnd - pos;
    if (vi + litLen > vn) return false;
    for (let k = 0; k < litLen; k++) if (load<u8>(lay + <usize>(pos + k)) != load<u8>(vp + <usize>(vi + k))) return false;
    vi += litLen;
    if (!more) break;
    pos = stdEnd;
    const k = stdKind;
    if (k == S_YEAR) { const y = getDigits(2); if (y < 0) return false; year = y >= 69 ? 1900 + y : 2000 + y; }
    else if (k == S_LONG_YEAR) { year = getDigits(4); if (year < 0) return false; }
    else if (k == S_MONTH) { month = lookupName(true, 3) + 1; if (month <= 0) return false; }
    else if (k == S_LONG_MONTH) { month = lookupName(true, 99) + 1; if (month <= 0) return false; }
    else if (k == S_NUM_MONTH || k == S_ZERO_MONTH) { month = getnum(k == S_ZERO_MONTH); if (month < 1 || month > 12) return false; }
    else if (k == S_WEEKDAY) { if (lookupName(false, 3) < 0) return false; }
    else if (k == S_LONG_WEEKDAY) { if (lookupName(false, 99) < 0) return false; }
    else if (k == S_DAY || k == S_UNDER_DAY || k == S_ZERO_DAY) {
      if (k == S_UNDER_DAY && vi < vn && load<u8>(vp + <usize>vi) == 0x20) vi++;
      day = getnum(k == S_ZERO_DAY);
      if (day < 0) return false;
    } else if (k == S_UNDER_YDAY || k == S_ZERO_YDAY) {
      if (k == S_UNDER_YDAY) { for (let s = 0; s < 2 && vi < vn && load<u8>(vp + <usize>vi) == 0x20; s++) vi++; }
      // up to three digits (exactly three for 002)
      let d = 0, cnt = 0;
      while (cnt < 3 && isDigitAt(vp, vn, vi)) { d = d * 10 + <i32>load<u8>(vp + <usize>vi) - 0x30; vi++; cnt++; }
      if (cnt == 0 || (k == S_ZERO_YDAY && cnt != 3) || d < 1 || d > 366) return false;
      yday = d;
    } else if (k == S_HOUR) { hour = getnum(false); if (hour < 0 || hour > 23) return false; }
    else if (k == S_HOUR12 || k == S_ZERO_HOUR12) { hour = getnum(k == S_ZERO_HOUR12); if (hour < 0 || hour > 12) return false; }
    else if (k == S_MINUTE || k == S_ZERO_MINUTE) { min = getnum(k == S_ZERO_MINUTE); if (min < 0 || min > 59) return false; }
    else if (k == S_SECOND || k == S_ZERO_SECOND) {
      sec = getnum(k == S_ZERO_SECOND);
      if (sec < 0 || sec > 59) return false;
      // fractional seconds the layout does not mention are accepted after the seconds
      if (vi + 1 < vn && (load<u8>(vp + <usize>vi) == 0x2e || load<u8>(vp + <usize>vi) == 0x2c) && isDigitAt(vp, vn, vi + 1)) {
        // unless the layout's next token is itself a fractional second
        if (!(nextChunk(lay, n, pos) && (stdKind == S_FRAC0 || stdKind == S_FRAC9))) nano = parseFrac();
      }
    } else if (k == S_PM || k == S_pm) {
      if (vi + 2 > vn) return false;
      const a = <i32>load<u8>(vp + <usize>vi) | 0x20, m = <i32>load<u8>(vp + <usize>(vi + 1)) | 0x20;
      if (m != 0x6d) return false;
      if (a == 0x70) pmSet = true; else if (a == 0x61) amSet = true; else return false;
      vi += 2;
    } else if (k == S_ISO_TZ || k == S_NUM_TZ) {
      if (k == S_ISO_TZ && vi < vn && load<u8>(vp + <usize>vi) == 0x5a) { vi++; offset = 0; continue; }
      if (vi >= vn) return false;
      const sign = load<u8>(vp + <usize>vi);
      if (sign != 0x2b && sign != 0x2d) return false;
      vi++;
      const hh = getDigits(2);
      if (hh < 0) return false;
      let mm = 0, ss = 0;
      if (!tzHourOnly) {
        if (tzColons > 0) { if (vi >= vn || load<u8>(vp + <usize>vi) != 0x3a) return false; vi++; }
        mm = getDigits(2);
        if (mm < 0) return false;
      }
      if (tzSeconds) {
        if (tzColons > 0) { if (vi >= vn || load<u8>(vp + <usize>vi) != 0x3a) return false; vi++; }
        ss = getDigits(2);
        if (ss < 0) return false;
      }
      if (hh > 24 || mm > 59 || ss > 59) return false;
      offset = (hh * 60 + mm) * 60 + ss;
      if (sign == 0x2d) offset = -offset;
    } else if (k == S_TZ) {
      if (at(vp, vn, vi, "UTC")) { vi += 3; offset = 0; continue; }
      // an abbreviation: 3-5 upper-case letters (offset unknown → 0)
      let j = vi;
      while (j < vn && load<u8>(vp + <usize>j) >= 0x41 && load<u8>(vp + <usize>j) <= 0x5a) j++;
      if (j - vi < 3 || j - vi > 5) return false;
      vi = j;
      offset = 0;
    } else if (k == S_FRAC0) {
      // exactly as many digits as the layout has zeros
      const sep = vi < vn ? load<u8>(vp + <usize>vi) : 0;
      if (vi + 1 + fracDigits > vn || (sep != 0x2e && sep != 0x2c)) return false;
      for (let d = 1; d <= fracDigits; d++) if (!isDigitAt(vp, vn, vi + d)) return false;
      const save = vn;
      vn = vi + 1 + fracDigits;
      nano = parseFrac();
      vn = save;
    } else if (k == S_FRAC9) {
      if (vi + 1 < vn && (load<u8>(vp + <usize>vi) == 0x2e || load<u8>(vp + <usize>vi) == 0x2c) && isDigitAt(vp, vn, vi + 1)) nano = parseFrac();
    }
  }
  if (vi != vn) return false;
  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour == 12) hour = 0;
  if (yday >= 0) {
    if (yday > (isLeap(year) ? 366 : 365)) return false;
    const base = daysFromCivil(year, 1, 1) + <i64>yday - 1;
    civilFromDays(base);
    if (month >= 0 && month != civilMonth) return false;
    if (day >= 0 && day != civilDay) return false;
    month = civilMonth;
    day = civilDay;
  }
  if (month < 0) month = 1;
  if (day < 0) day = 1;
  if (day < 1 || day > daysIn(month, year)) return false;
  const secs = daysFromCivil(year, month, day) * 86400 + <i64>(hour * 3600 + min * 60 + sec) - <i64>offset;
  if (!toNs(secs, nano)) {
    parsedOutOfRange = true;
    return false;
  }
  parsedNs = nsOut;
  return true;
}
