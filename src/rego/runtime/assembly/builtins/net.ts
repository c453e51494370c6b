// net.cidr_contains / net.cidr_intersects / net.cidr_is_valid with Go's net.ParseIP/ParseCIDR rules:
// an IPv4 network holds IPv4 addresses (and IPv4-mapped IPv6 ones); an IPv6 network only 16-byte ones.

import { makeBool, strLen, strPtr } from "../value";
import { isString, hexValue } from "./lib/text";
import { builtinFailBuf, typeError } from "../error";
import { bufNew, bufLiteral, bufBytes } from "../buf";

// parsed address: 16 bytes; ipLen 4 (IPv4 syntax) or 16
const IP_A: usize = memory.data(16);
const IP_B: usize = memory.data(16);
const IP_T: usize = memory.data(16);
let ipLen: i32 = 0;
let prefix: i32 = 0;

function parseV4(p: usize, n: i32, out: usize): bool {
  let part = 0, i = 0;
  while (part < 4) {
    if (i >= n) return false;
    let v = 0, digits = 0;
    const start = i;
    while (i < n && load<u8>(p + <usize>i) >= 0x30 && load<u8>(p + <usize>i) <= 0x39) {
      v = v * 10 + <i32>load<u8>(p + <usize>i) - 0x30;
      digits++; i++;
      if (v > 255) return false;
    }
    if (digits == 0 || (digits > 1 && load<u8>(p + <usize>start) == 0x30)) return false; // Go rejects leading zeros
    store<u8>(out + <usize>part, <u8>v);
    part++;
    if (part < 4) { if (i >= n || load<u8>(p + <usize>i) != 0x2e) return false; i++; }
  }
  return i == n;
}

function parseV6(p: usize, n: i32, out: usize): bool {
  memory.fill(out, 0, 16);
  let j = 0; // byte position
  let ellipsis = -1;
  let i = 0;
  if (n >= 2 && load<u8>(p) == 0x3a && load<u8>(p + 1) == 0x3a) {
    ellipsis = 0; i = 2;
    if (i == n) return true;
  }
  while (i < n && j < 16) {
    // hex group
    let v = 0, k = 0;
    while (i + k < n) {
      const h = hexValue(<i32>load<u8>(p + <usize>(i + k)));
      if (h < 0) break;
      v = v * 16 + h;
      k++;
      if (k > 4) return false;
    }
    if (k == 0) return false;
    // embedded IPv4 in the last 32 bits
    if (i + k < n && load<u8>(p + <usize>(i + k)) == 0x2e) {
      if (ellipsis < 0 && j != 12) return false;
      if (j + 4 > 16) return false;
      if (!parseV4(p + <usize>i, n - i, out + <usize>j)) return false;
      j += 4; i = n;
      break;
    }
    store<u8>(out + <usize>j, <u8>(v >> 8));
    store<u8>(out + <usize>j + 1, <u8>v);
    j += 2;
    i += k;
    if (i == n) break;
    if (load<u8>(p + <usize>i) != 0x3a || i + 1 == n) return false;
    i++;
    if (load<u8>(p + <usize>i) == 0x3a) {
      if (ellipsis >= 0) return false;
      ellipsis = j;
      i++;
      if (i == n) break;
    }
  }
  if (i != n) return false;
  if (j < 16) {
    if (ellipsis < 0) return false;
    const nmove = j - ellipsis;
    for (let k = nmove - 1; k >= 0; k--) store<u8>(out + <usize>(16 - nmove + k), load<u8>(out + <usize>(ellipsis + k)));
    for (let k = ellipsis; k < 16 - nmove; k++) store<u8>(out + <usize>k, 0);
  } else if (ellipsis >= 0) return false;
  return true;
}

/** net.ParseIP into out; sets ipLen (4 for IPv4 and IPv4-mapped IPv6, else 16). */
function parseIP(p: usize, n: i32, out: usize): bool {
  let dot = false;
  for (let i = 0; i < n; i++) { const c = load<u8>(p + <usize>i); if (c == 0x3a) { dot = false; break; } if (c == 0x2e) dot = true; }
  let hasColon = false;
  for (let i = 0; i < n; i++) if (load<u8>(p + <usize>i) == 0x3a) { hasColon = true; break; }
  if (!hasColon && dot) {
    if (!parseV4(p, n, out)) return false;
    ipLen = 4;
    return true;
  }
  if (!parseV6(p, n, out)) return false;
  ipLen = 16;
  // IPv4-mapped → 4 bytes (To4)
  let mapped = load<u8>(out + 10) == 0xff && load<u8>(out + 11) == 0xff;
  for (let i = 0; i < 10 && mapped; i++) if (load<u8>(out + <usize>i) != 0) mapped = false;
  if (mapped) { memory.copy(out, out + 12, 4); ipLen = 4; }
  return true;
}

/** net.ParseCIDR into out (network address, masked); sets ipLen (by syntax) and prefix. */
function parseCIDR(p: usize, n: i32, out: usize): bool {
  let slash = -1;
  for (let i = 0; i < n; i++) if (load<u8>(p + <usize>i) == 0x2f) { slash = i; break; }
  if (slash < 0) return false;
  let isV4 = true;
  for (let i = 0; i < slash; i++) if (load<u8>(p + <usize>i) == 0x3a) { isV4 = false; break; }
  if (isV4) { if (!parseV4(p, slash, out)) return false; ipLen = 4; }
  else { if (!parseV6(p, slash, out)) return false; ipLen = 16; }
  let v = 0, digits = 0;
  for (let i = slash + 1; i < n; i++) {
    const c = <i32>load<u8>(p + <usize>i) - 0x30;
    if (c < 0 || c > 9) return false;
    v = v * 10 + c; digits++;
    if (v > 128) return false;
  }
  if (digits == 0 || (digits > 1 && load<u8>(p + <usize>slash + 1) == 0x30)) return false;
  if (v > ipLen * 8) return false;
  prefix = v;
  mask(out, ipLen, prefix, false);
  return true;
}

/** Clears (or with `ones`, sets) the host bits after `bits`. */
function mask(ip: usize, len: i32, bits: i32, ones: bool): void {
  for (let i = 0; i < len; i++) {
    const keep = bits - i * 8;
    if (keep >= 8) continue;
    const m = keep <= 0 ? 0 : (0xff << (8 - keep)) & 0xff;
    const b = <i32>load<u8>(ip + <usize>i);
    store<u8>(ip + <usize>i, <u8>(ones ? (b | (~m & 0xff)) : (b & m)));
  }
}

/** Network (net, netLen, netPrefix) contains address (ip, len)? */
function contains(net: usize, netLen: i32, netPrefix: i32, ip: usize, len: i32): bool {
  if (len != netLen) return false;
  for (let i = 0; i < netLen; i++) {
    const keep = netPrefix - i * 8;
    if (keep <= 0) break;
    const m = keep >= 8 ? 0xff : (0xff << (8 - keep)) & 0xff;
    if (((<i32>load<u8>(ip + <usize>i) ^ <i32>load<u8>(net + <usize>i)) & m) != 0) return false;
  }
  return true;
}

/** Go's net.ParseCIDR error, as OPA reports it: "invalid CIDR address: <s>". */
function invalidCIDR(name: string, s: usize): usize {
  const b = bufNew(64);
  bufLiteral(b, name);
  bufLiteral(b, ": invalid CIDR address: ");
  bufBytes(b, strPtr(s), strLen(s));
  return builtinFailBuf(b);
}

function cidrContains(name: string, cidr: usize, other: usize): usize {
  if (!isString(cidr)) return typeError(name, 1, 'string', cidr);
  if (!isString(other)) return typeError(name, 2, 'string', other);
  if (!parseCIDR(strPtr(cidr), strLen(cidr), IP_A)) return invalidCIDR(name, cidr);
  const aLen = ipLen, aPrefix = prefix;
  if (parseIP(strPtr(other), strLen(other), IP_B)) return makeBool(contains(IP_A, aLen, aPrefix, IP_B, ipLen));
  if (!parseCIDR(strPtr(other), strLen(other), IP_B)) return invalidCIDR(name, other);
  const bLen = ipLen, bPrefix = prefix;
  if (!contains(IP_A, aLen, aPrefix, IP_B, bLen)) return makeBool(false);
  memory.copy(IP_T, IP_B, 16);
  mask(IP_T, bLen, bPrefix, true);
  return makeBool(contains(IP_A, aLen, aPrefix, IP_T, bLen));
}

export function b_net_cidr_contains(cidr: usize, other: usize): usize {
  return cidrContains('net.cidr_contains', cidr, other);
}

/** Rego v0's deprecated net.cidr_overlap: net.cidr_contains under its old name. */
export function b_net_cidr_overlap(cidr: usize, other: usize): usize {
  return cidrContains('net.cidr_overlap', cidr, other);
}

export function b_net_cidr_intersects(a: usize, b: usize): usize {
  if (!isString(a)) return typeError('net.cidr_intersects', 1, 'string', a);
  if (!isString(b)) return typeError('net.cidr_intersects', 2, 'string', b);
  if (!parseCIDR(strPtr(a), strLen(a), IP_A)) return invalidCIDR('net.cidr_intersects', a);
  const aLen = ipLen, aPrefix = prefix;
  if (!parseCIDR(strPtr(b), strLen(b), IP_B)) return invalidCIDR('net.cidr_intersects', b);
  const bLen = ipLen, bPrefix = prefix;
  return makeBool(contains(IP_A, aLen, aPrefix, IP_B, bLen) || contains(IP_B, bLen, bPrefix, IP_A, aLen));
}

export function b_net_cidr_is_valid(s: usize): usize {
  if (!isString(s)) return makeBool(false);
  return makeBool(parseCIDR(strPtr(s), strLen(s), IP_T));
}
