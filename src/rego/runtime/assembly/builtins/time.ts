// time.* builtins that need no clock (time.now_ns is the host's). Time zones: "UTC", "" and "Local"
// (taken as UTC); Wasm has no tz database, so any other zone name makes the builtin undefined.

import {
  vtype, TYPE_ARRAY, TYPE_NUMBER, makeInt, makeArray, arrAppend, arrLen, arrGet, strLen, strPtr,
  strFromLiteral,
} from "../value";
import { bufNew, bufToString, bufLiteral, bufByte, bufBytes } from "../buf";
import { formatLayout, parseLayout, parsedNs, parsedOutOfRange, fmtZoneOffset, fmtZoneName } from "./lib/go-time-layout";
import { tzResolve, tzOffset, tzAbbr } from "./lib/tz";
import { builtinFail, builtinFailBuf, typeError } from "../error";
import { isString, intArg, intArgValue } from "./lib/text";
import {
  daysFromCivil, civilFromDays, civilYear, civilMonth, civilDay, daysIn, parseRFC3339, parsedSec,
  parsedNano, floorDiv, floorMod, NS_PER_SEC, NS_PER_DAY, toNs, nsOut,
} from "./lib/civil-time";
import { numTryInt, numLastInt } from "../value";

/** ns since the epoch as a number value; outside the int64 range OPA's "time outside of valid range". */
function safeNs(name: string, sec: i64, nano: i64): usize {
  if (!toNs(sec, nano)) return builtinFail(name, "time outside of valid range");
  return makeInt(nsOut);
}

export function b_time_parse_rfc3339_ns(s: usize): usize {
  if (!isString(s)) return typeError("time.parse_rfc3339_ns", 1, "string", s);
  if (!parseRFC3339(strPtr(s), strLen(s))) return 0;
  return safeNs("time.parse_rfc3339_ns", parsedSec, parsedNano);
}

/** OPA's error for a tz-time operand whose ns is not an exact int64. */
function tooBig(name: string): usize {
  return tBig ? builtinFail(name, "timestamp too big") : 0;
}

// ---- tz-time operands -----------------------------------------------------------------------------

let tNs: i64 = 0;
let tLayout: usize = 0; // string value or 0
let tBig = false; // the last tzTime failed on a number that is not an exact int64
let tOff: i32 = 0; // offset of the operand's zone at tNs, seconds east of UTC
let tAbbr: string = "UTC";
let tZoneP: usize = 0; // the operand's zone name (UTF-8), empty for UTC
let tZoneN = 0;

/** Reads a "number (ns)" or "[number (ns), tz (string), layout?]" operand into tNs, and its zone's
 *  offset at that instant into tOff/tAbbr (lib/tz.ts; an unknown zone makes the operand unusable). */
function tzTime(v: usize): bool {
  tBig = false;
  if (v == 0) return false;
  tLayout = 0;
  let nv = v;
  let zp: usize = 0;
  let zn = 0;
  if (vtype(v) == TYPE_ARRAY) {
    const n = arrLen(v);
    if (n == 0) return false;
    nv = arrGet(v, 0);
    if (n > 1) {
      const tz = arrGet(v, 1);
      if (!isString(tz)) return false;
      // "" and "UTC" are UTC; "Local" is UTC too (a Wasm module has no local zone)
      zp = strPtr(tz);
      zn = strLen(tz);
    }
    if (n > 2) {
      tLayout = arrGet(v, 2);
      if (!isString(tLayout)) return false;
    }
  }
  if (vtype(nv) != TYPE_NUMBER) return false;
  if (!numTryInt(nv)) {
    tBig = true;
    return false;
  }
  tNs = numLastInt;
  tZoneP = zp;
  tZoneN = zn;
  if (!tzResolve(zp, zn, floorDiv(tNs, NS_PER_SEC))) return false;
  tOff = tzOffset;
  tAbbr = tzAbbr;
  // the wall-clock instant must stay within int64 ns
  const off = <i64>tOff * NS_PER_SEC;
  if ((off > 0 && tNs > i64.MAX_VALUE - off) || (off < 0 && tNs < i64.MIN_VALUE - off)) return false;
  return true;
}

/** tNs on the operand zone's wall clock (for the civil fields of date/clock/weekday/add_date). */
function wallNs(): i64 {
  return tNs + <i64>tOff * NS_PER_SEC;
}

// broken-down UTC time of tNs
let bdDays: i64 = 0;
let bdSecOfDay: i32 = 0;
let bdNano: i32 = 0;

function breakDown(ns: i64): void {
  bdDays = floorDiv(ns, NS_PER_DAY);
  const rem = floorMod(ns, NS_PER_DAY);
  bdSecOfDay = <i32>(rem / NS_PER_SEC);
  bdNano = <i32>(rem % NS_PER_SEC);
  civilFromDays(bdDays);
}

export function b_time_date(x: usize): usize {
  if (!tzTime(x)) return tooBig("time.date");
  breakDown(wallNs());
  const a = makeArray(3);
  arrAppend(a, makeInt(civilYear));
  arrAppend(a, makeInt(civilMonth));
  arrAppend(a, makeInt(civilDay));
  return a;
}

export function b_time_clock(x: usize): usize {
  if (!tzTime(x)) return tooBig("time.clock");
  breakDown(wallNs());
  const a = makeArray(3);
  arrAppend(a, makeInt(bdSecOfDay / 3600));
  arrAppend(a, makeInt((bdSecOfDay / 60) % 60));
  arrAppend(a, makeInt(bdSecOfDay % 60));
  return a;
}

export function b_time_weekday(x: usize): usize {
  if (!tzTime(x)) return tooBig("time.weekday");
  breakDown(wallNs());
  const wd = <i32>floorMod(bdDays + 4, 7); // 1970-01-01 was a Thursday
  if (wd == 0) return strFromLiteral("Sunday");
  if (wd == 1) return strFromLiteral("Monday");
  if (wd == 2) return strFromLiteral("Tuesday");
  if (wd == 3) return strFromLiteral("Wednesday");
  if (wd == 4) return strFromLiteral("Thursday");
  if (wd == 5) return strFromLiteral("Friday");
  return strFromLiteral("Saturday");
}

export function b_time_add_date(x: usize, years: usize, months: usize, days: usize): usize {
  if (!tzTime(x)) return tooBig("time.add_date");
  if (!intArg(years)) return 0;
  const dy = intArgValue;
  if (!intArg(months)) return 0;
  const dm = intArgValue;
  if (!intArg(days)) return 0;
  const dd = intArgValue;
  // keep the arithmetic far from i64 overflow; results beyond ±300 years are out of range anyway
  if (dy > 1000000 || dy < -1000000 || dm > 12000000 || dm < -12000000 || dd > 400000000 || dd < -400000000) {
    return builtinFail("time.add_date", "time outside of valid range");
  }
  breakDown(wallNs());
  let y = civilYear + dy;
  let m0 = <i64>civilMonth - 1 + dm;
  y += floorDiv(m0, 12);
  const m = <i32>floorMod(m0, 12) + 1;
  const dayNum = daysFromCivil(y, m, 1) + <i64>civilDay - 1 + dd;
  const local = dayNum * 86400 + <i64>bdSecOfDay;
  // back to UTC with the zone's offset at the result (Go's Date normalises the same way)
  if (!tzResolve(tZoneP, tZoneN, local - <i64>tOff)) return 0;
  return safeNs("time.add_date", local - <i64>tzOffset, bdNano);
}

export function b_time_diff(a: usize, b: usize): usize {
  if (!tzTime(a)) return tooBig("time.diff");
  let t1 = tNs;
  if (!tzTime(b)) return tooBig("time.diff");
  let t2 = tNs;
  if (t1 > t2) { const t = t1; t1 = t2; t2 = t; }
  breakDown(t1);
  const y1 = civilYear, m1 = civilMonth, d1 = civilDay, s1 = bdSecOfDay;
  breakDown(t2);
  let year = civilYear - y1;
  let month = civilMonth - m1;
  let day = civilDay - d1;
  let hour = bdSecOfDay / 3600 - s1 / 3600;
  let min = (bdSecOfDay / 60) % 60 - (s1 / 60) % 60;
  let sec = bdSecOfDay % 60 - s1 % 60;
  if (sec < 0) { sec += 60; min--; }
  if (min < 0) { min += 60; hour--; }
  if (hour < 0) { hour += 24; day--; }
  if (day < 0) {
    // days in month of t1: Go normalises Date(y1, M1, 32) and takes 32 - its day
    day += daysIn(m1, y1);
    month--;
  }
  if (month < 0) { month += 12; year--; }
  const r = makeArray(6);
  arrAppend(r, makeInt(year));
  arrAppend(r, makeInt(month));
  arrAppend(r, makeInt(day));
  arrAppend(r, makeInt(hour));
  arrAppend(r, makeInt(min));
  arrAppend(r, makeInt(sec));
  return r;
}

// OPA's named layouts (Go's time package constants)
function namedLayout(p: usize, n: i32): string | null {
  if (isLiteral(p, n, "ANSIC")) return "Mon Jan _2 15:04:05 2006";
  if (isLiteral(p, n, "UnixDate")) return "Mon Jan _2 15:04:05 MST 2006";
  if (isLiteral(p, n, "RubyDate")) return "Mon Jan 02 15:04:05 -0700 2006";
  if (isLiteral(p, n, "RFC822")) return "02 Jan 06 15:04 MST";
  if (isLiteral(p, n, "RFC822Z")) return "02 Jan 06 15:04 -0700";
  if (isLiteral(p, n, "RFC850")) return "Monday, 02-Jan-06 15:04:05 MST";
  if (isLiteral(p, n, "RFC1123")) return "Mon, 02 Jan 2006 15:04:05 MST";
  if (isLiteral(p, n, "RFC1123Z")) return "Mon, 02 Jan 2006 15:04:05 -0700";
  if (isLiteral(p, n, "RFC3339")) return "2006-01-02T15:04:05Z07:00";
  if (isLiteral(p, n, "RFC3339Nano")) return "2006-01-02T15:04:05.999999999Z07:00";
  return null;
}

// the layout chosen by resolveLayout, as UTF-8 bytes
let layP: usize = 0;
let layN: i32 = 0;

function resolveLayout(v: usize): void {
  let p = strPtr(v), n = strLen(v);
  const named = n == 0 ? "2006-01-02T15:04:05.999999999Z07:00" : namedLayout(p, n);
  if (named !== null) {
    const s = strFromLiteral(named);
    p = strPtr(s); n = strLen(s);
  }
  layP = p; layN = n;
}

/** time.format: [ns, tz, layout] with a Go layout or one of OPA's named layouts (default RFC3339Nano). UTC. */
export function b_time_format(x: usize): usize {
  if (!tzTime(x)) return tooBig("time.format");
  resolveLayout(tLayout != 0 ? tLayout : strFromLiteral(""));
  const b = bufNew(layN + 16);
  fmtZoneOffset = tOff;
  fmtZoneName = tAbbr;
  formatLayout(b, tNs, layP, layN);
  fmtZoneOffset = 0;
  fmtZoneName = "UTC";
  return bufToString(b);
}

/** time.parse_ns(layout, value). */
export function b_time_parse_ns(layout: usize, value: usize): usize {
  if (!isString(layout)) return typeError('time.parse_ns', 1, 'string', layout);
  if (!isString(value)) return typeError('time.parse_ns', 2, 'string', value);
  resolveLayout(layout);
  if (strLen(layout) == 0) { layP = strPtr(layout); layN = 0; }
  if (!parseLayout(layP, layN, strPtr(value), strLen(value))) {
    return parsedOutOfRange ? builtinFail("time.parse_ns", "time outside of valid range") : 0;
  }
  return makeInt(parsedNs);
}

function isLiteral(p: usize, n: i32, s: string): bool {
  if (n != s.length) return false;
  for (let i = 0; i < n; i++) if (<i32>load<u8>(p + <usize>i) != s.charCodeAt(i)) return false;
  return true;
}

// ---- durations ----------------------------------------------------------------------------------

const MAX_DUR: u64 = <u64>1 << 63;

function unitNs(p: usize, n: i32): u64 {
  if (isLiteral(p, n, "ns")) return 1;
  if (isLiteral(p, n, "us")) return 1000;
  if (n == 3 && load<u8>(p + 2) == 0x73 && ((load<u8>(p) == 0xc2 && load<u8>(p + 1) == 0xb5) || (load<u8>(p) == 0xce && load<u8>(p + 1) == 0xbc))) return 1000;
  if (isLiteral(p, n, "ms")) return 1_000_000;
  if (isLiteral(p, n, "s")) return 1_000_000_000;
  if (isLiteral(p, n, "m")) return 60_000_000_000;
  if (isLiteral(p, n, "h")) return 3_600_000_000_000;
  return 0;
}

/** Go's time.ParseDuration. */
export function b_time_parse_duration_ns(s: usize): usize {
  if (!isString(s)) return typeError('time.parse_duration_ns', 1, 'string', s);
  const d = parseDuration(s);
  return d != 0 ? d : failQuoting("time.parse_duration_ns: time: invalid duration ", s, "");
}

/** A builtin error "<name>: <pre>\"<s>\"<post>" quoting the string value s (Go's %q of plain text). */
function failQuoting(pre: string, s: usize, post: string): usize {
  const b = bufNew(64 + strLen(s));
  bufLiteral(b, pre);
  bufByte(b, 0x22);
  bufBytes(b, strPtr(s), strLen(s));
  bufByte(b, 0x22);
  bufLiteral(b, post);
  return builtinFailBuf(b);
}

/** Go's time.ParseDuration; 0 when s is not a duration. */
function parseDuration(s: usize): usize {
  let p = strPtr(s);
  const end = p + <usize>strLen(s);
  let neg = false;
  if (p < end && (load<u8>(p) == 0x2d || load<u8>(p) == 0x2b)) { neg = load<u8>(p) == 0x2d; p++; }
  if (end - p == 1 && load<u8>(p) == 0x30) return makeInt(0);
  if (p == end) return 0;
  let d: u64 = 0;
  while (p < end) {
    const c0 = load<u8>(p);
    if (!(c0 == 0x2e || (c0 >= 0x30 && c0 <= 0x39))) return 0;
    let v: u64 = 0;
    const intStart = p;
    while (p < end && load<u8>(p) >= 0x30 && load<u8>(p) <= 0x39) {
      if (v > (MAX_DUR - 1) / 10) return 0;
      v = v * 10 + <u64>(load<u8>(p) - 0x30);
      if (v > MAX_DUR) return 0;
      p++;
    }
    const pre = p != intStart;
    let f: u64 = 0;
    let scale: f64 = 1;
    let post = false;
    if (p < end && load<u8>(p) == 0x2e) {
      p++;
      const fs = p;
      let overflow = false;
      while (p < end && load<u8>(p) >= 0x30 && load<u8>(p) <= 0x39) {
        if (!overflow) {
          if (f > (MAX_DUR - 1) / 10) overflow = true;
          else {
            const y = f * 10 + <u64>(load<u8>(p) - 0x30);
            if (y > MAX_DUR) overflow = true; else { f = y; scale *= 10; }
          }
        }
        p++;
      }
      post = p != fs;
    }
    if (!pre && !post) return 0;
    const us = p;
    while (p < end && !(load<u8>(p) == 0x2e || (load<u8>(p) >= 0x30 && load<u8>(p) <= 0x39))) p++;
    if (p == us) return 0;
    const unit = unitNs(us, <i32>(p - us));
    if (unit == 0) return 0;
    if (v > MAX_DUR / unit) return 0;
    v *= unit;
    if (f > 0) {
      v += <u64>(<f64>f * (<f64>unit / scale));
      if (v > MAX_DUR) return 0;
    }
    d += v;
    if (d > MAX_DUR) return 0;
  }
  if (neg) return makeInt(-<i64>d);
  if (d > MAX_DUR - 1) return 0;
  return makeInt(<i64>d);
}
