// IANA time zones for the time.* builtins, without a tz database: each zone is its current standard
// offset plus, where it observes daylight saving time, the current rule of its region (US since 2007,
// EU since 1996, Australia and New Zealand since 2008). A zone is only known from the year its
// present rules took effect: earlier instants, and zones not listed, are not resolved (the builtin is
// then undefined, as for any zone before this table existed) rather than given a wrong offset.

import { daysFromCivil, civilFromDays, civilYear, floorDiv, floorMod } from "./civil-time";

const FIXED = 0, US = 1, EU = 2, AU = 3, NZ = 4;

// one entry per zone, in parallel arrays: name, standard offset east of UTC (minutes), rule, first year
// (UTC) from which the zone's present rules hold, standard and daylight abbreviations (Go's)
const NAMES: StaticArray<string> = [
  "America/New_York", "US/Eastern", "America/Detroit", "America/Toronto", "America/Chicago", "US/Central",
  "America/Winnipeg", "America/Denver", "US/Mountain", "America/Edmonton", "America/Los_Angeles",
  "US/Pacific", "America/Vancouver", "America/Anchorage", "America/Halifax", "America/Phoenix",
  "Pacific/Honolulu", "America/Mexico_City", "America/Bogota", "America/Lima", "America/Sao_Paulo",
  "America/Argentina/Buenos_Aires", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris",
  "Europe/Berlin", "Europe/Madrid", "Europe/Rome", "Europe/Amsterdam", "Europe/Brussels", "Europe/Vienna",
  "Europe/Stockholm", "Europe/Oslo", "Europe/Copenhagen", "Europe/Zurich", "Europe/Prague", "Europe/Warsaw",
  "Europe/Budapest", "Europe/Athens", "Europe/Helsinki", "Europe/Kyiv", "Europe/Kiev", "Europe/Bucharest",
  "Europe/Sofia", "Europe/Riga", "Europe/Tallinn", "Europe/Vilnius", "Europe/Moscow", "Europe/Istanbul",
  "Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi", "Asia/Dubai", "Asia/Kolkata", "Asia/Calcutta",
  "Asia/Kathmandu", "Asia/Bangkok", "Asia/Jakarta", "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei",
  "Asia/Singapore", "Asia/Tokyo", "Asia/Seoul", "Australia/Perth", "Australia/Darwin", "Australia/Brisbane",
  "Australia/Adelaide", "Australia/Sydney", "Australia/Melbourne", "Australia/Hobart", "Pacific/Auckland",
  "Etc/UTC", "Etc/GMT", "GMT",
];
const STD: StaticArray<i32> = [
  -300, -300, -300, -300, -360, -360, -360, -420, -420, -420, -480, -480, -480, -540, -240, -420, -600, -360,
  -300, -300, -180, -180, 0, 0, 0, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 120, 120, 120,
  120, 120, 120, 120, 120, 120, 180, 180, 120, 60, 180, 240, 330, 330, 345, 420, 420, 480, 480, 480, 480,
  540, 540, 480, 570, 600, 570, 600, 600, 600, 720, 0, 0, 0,
];
const RULE: StaticArray<i32> = [
  US, US, US, US, US, US, US, US, US, US, US, US, US, US, US, FIXED, FIXED, FIXED, FIXED, FIXED, FIXED,
  FIXED, EU, EU, EU, EU, EU, EU, EU, EU, EU, EU, EU, EU, EU, EU, EU, EU, EU, EU, EU, EU, EU, EU, EU, EU, EU,
  EU, FIXED, FIXED, FIXED, FIXED, FIXED, FIXED, FIXED, FIXED, FIXED, FIXED, FIXED, FIXED, FIXED, FIXED,
  FIXED, FIXED, FIXED, FIXED, FIXED, FIXED, AU, AU, AU, AU, NZ, FIXED, FIXED, FIXED,
];
const SINCE: StaticArray<i32> = [
  2007, 2007, 2007, 2007, 2007, 2007, 2007, 2007, 2007, 2007, 2007, 2007, 2007, 2007, 2007, 1968, 1947, 2023,
  1994, 1995, 2020, 2010, 1996, 1996, 1996, 1996, 1996, 1996, 1996, 1996, 1996, 1996, 1996, 1996, 1996, 1996,
  1996, 1996, 1996, 1996, 1996, 1996, 1996, 1997, 1997, 2001, 2002, 2003, 2015, 2017, 1944, 1920, 1943, 1921,
  1946, 1946, 1987, 1921, 1965, 1992, 1980, 1980, 1983, 1952, 1989, 2010, 1946, 1993, 2008, 2008, 2008, 2008,
  2008, 1970, 1970, 1970,
];
const STD_ABBR: StaticArray<string> = [
  "EST", "EST", "EST", "EST", "CST", "CST", "CST", "MST", "MST", "MST", "PST", "PST", "PST", "AKST", "AST",
  "MST", "HST", "CST", "-05", "-05", "-03", "-03", "GMT", "GMT", "WET", "CET", "CET", "CET", "CET", "CET",
  "CET", "CET", "CET", "CET", "CET", "CET", "CET", "CET", "CET", "EET", "EET", "EET", "EET", "EET", "EET",
  "EET", "EET", "EET", "MSK", "+03", "SAST", "WAT", "EAT", "+04", "IST", "IST", "+0545", "+07", "WIB", "CST",
  "HKT", "CST", "+08", "JST", "KST", "AWST", "ACST", "AEST", "ACST", "AEST", "AEST", "AEST", "NZST", "UTC",
  "GMT", "GMT",
];
const DST_ABBR: StaticArray<string> = [
  "EDT", "EDT", "EDT", "EDT", "CDT", "CDT", "CDT", "MDT", "MDT", "MDT", "PDT", "PDT", "PDT", "AKDT", "ADT",
  "", "", "", "", "", "", "", "BST", "IST", "WEST", "CEST", "CEST", "CEST", "CEST", "CEST", "CEST", "CEST",
  "CEST", "CEST", "CEST", "CEST", "CEST", "CEST", "CEST", "EEST", "EEST", "EEST", "EEST", "EEST", "EEST",
  "EEST", "EEST", "EEST", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
  "ACDT", "AEDT", "AEDT", "AEDT", "NZDT", "", "", "",
];

/** The offset (seconds east of UTC) and abbreviation tzResolve found. */
export let tzOffset: i32 = 0;
export let tzAbbr: string = "UTC";

function nameIs(p: usize, n: i32, s: string): bool {
  if (n != s.length) return false;
  for (let i = 0; i < n; i++) if (<i32>load<u8>(p + <usize>i) != s.charCodeAt(i)) return false;
  return true;
}

/** Day number (days since 1970-01-01) of the n-th (n ≥ 1) or, with n = 0, the last Sunday of y-m. */
function sunday(y: i64, m: i32, n: i32): i64 {
  if (n > 0) {
    const first = daysFromCivil(y, m, 1);
    return first + floorMod(7 - floorMod(first + 4, 7), 7) + <i64>(n - 1) * 7;
  }
  const last = (m == 12 ? daysFromCivil(y + 1, 1, 1) : daysFromCivil(y, m + 1, 1)) - 1;
  return last - floorMod(last + 4, 7);
}

/** Is the instant `sec` (UTC seconds) in daylight saving time under `rule` for a zone at `std` seconds? */
function inDst(rule: i32, std: i64, sec: i64): bool {
  civilFromDays(floorDiv(sec + std, 86400));
  const y = civilYear;
  if (rule == US) {
    const start = sunday(y, 3, 2) * 86400 + 7200 - std;
    const end = sunday(y, 11, 1) * 86400 + 7200 - (std + 3600);
    return sec >= start && sec < end;
  }
  if (rule == EU) {
    const start = sunday(y, 3, 0) * 86400 + 3600;
    const end = sunday(y, 10, 0) * 86400 + 3600;
    return sec >= start && sec < end;
  }
  // southern hemisphere: DST spans the new year
  const end = sunday(y, 4, 1) * 86400 + 7200 - std;
  const start = rule == AU ? sunday(y, 10, 1) * 86400 + 7200 - std : sunday(y, 9, 0) * 86400 + 7200 - std;
  return sec < end || sec >= start;
}

/** Resolves zone name [p, p+n) at instant `sec` (UTC seconds) into tzOffset/tzAbbr; false if unknown. */
export function tzResolve(p: usize, n: i32, sec: i64): bool {
  if (n == 0 || nameIs(p, n, "UTC") || nameIs(p, n, "Local")) {
    tzOffset = 0;
    tzAbbr = "UTC";
    return true;
  }
  for (let i = 0; i < NAMES.length; i++) {
    if (!nameIs(p, n, unchecked(NAMES[i]))) continue;
    civilFromDays(floorDiv(sec, 86400));
    if (civilYear < <i64>unchecked(SINCE[i])) return false;
    const std = <i64>unchecked(STD[i]) * 60;
    const rule = unchecked(RULE[i]);
    if (rule != FIXED && inDst(rule, std, sec)) {
      tzOffset = <i32>std + 3600;
      tzAbbr = unchecked(DST_ABBR[i]);
    } else {
      tzOffset = <i32>std;
      tzAbbr = unchecked(STD_ABBR[i]);
    }
    return true;
  }
  return false;
}
