// Decimal number text as Go's strconv/big parsers accept it ("+1", ".5", "5.", "1e3"), normalised
// to JSON number syntax so the runtime's number constructor can read it.

import { malloc } from "../../memory";
import { makeNumberText } from "../../value";

/** Number value for decimal text at [p, p+n) (optional sign, digits with optional point, exponent); 0 if invalid. */
export function decimalNumber(p: usize, n: i32): usize {
  const o = malloc(<usize>n + 4);
  let j = 0;
  let i = 0;
  if (i < n && (load<u8>(p) == 0x2b || load<u8>(p) == 0x2d)) {
    if (load<u8>(p) == 0x2d) store<u8>(o + <usize>(j++), 0x2d);
    i++;
  }
  const intStart = i;
  while (i < n && load<u8>(p + <usize>i) >= 0x30 && load<u8>(p + <usize>i) <= 0x39) i++;
  const rawInt = i - intStart;
  let intDigits = rawInt;
  // JSON forbids leading zeros: drop them (keep one)
  let k = intStart;
  while (intDigits > 1 && load<u8>(p + <usize>k) == 0x30) { k++; intDigits--; }
  if (intDigits == 0) store<u8>(o + <usize>(j++), 0x30);
  else { memory.copy(o + <usize>j, p + <usize>k, <usize>intDigits); j += intDigits; }
  let fracDigits = 0;
  if (i < n && load<u8>(p + <usize>i) == 0x2e) {
    i++;
    const fs = i;
    while (i < n && load<u8>(p + <usize>i) >= 0x30 && load<u8>(p + <usize>i) <= 0x39) i++;
    fracDigits = i - fs;
    if (fracDigits > 0) {
      store<u8>(o + <usize>(j++), 0x2e);
      memory.copy(o + <usize>j, p + <usize>fs, <usize>fracDigits);
      j += fracDigits;
    }
  }
  if (rawInt == 0 && fracDigits == 0) return 0;
  if (i < n && (load<u8>(p + <usize>i) | 0x20) == 0x65) {
    store<u8>(o + <usize>(j++), 0x65);
    i++;
    if (i < n && (load<u8>(p + <usize>i) == 0x2b || load<u8>(p + <usize>i) == 0x2d)) { store<u8>(o + <usize>(j++), load<u8>(p + <usize>i)); i++; }
    const es = i;
    while (i < n && load<u8>(p + <usize>i) >= 0x30 && load<u8>(p + <usize>i) <= 0x39) { store<u8>(o + <usize>(j++), load<u8>(p + <usize>i)); i++; }
    if (i == es) return 0;
  }
  if (i != n) return 0;
  return makeNumberText(o, <usize>j);
}
