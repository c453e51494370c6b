// Host builtins of OPA's net family that the Wasm runtime (like OPA's) does not compile in:
// net.cidr_expand and net.cidr_merge. Addresses are parsed and printed as Go's net package does
// (ParseIP, ParseCIDR, IP.String, IP.DefaultMask).
import { BuiltinError, operandError } from './builtin-error.js';

type Builtin = (...args: unknown[]) => unknown;

/** Bound on net.cidr_expand's result (a /12 of IPv4): OPA has none and would exhaust memory first. */
export const MAX_CIDR_EXPANSION = 1 << 20;

interface Cidr {
  /** 4 or 16 bytes, as a big integer. */
  bits: 32 | 128;
  network: bigint;
  prefix: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseIpv4(s: string): bigint | undefined {
  const m = IPV4.exec(s);
  if (!m) return undefined;
  let n = 0n;
  for (const part of m.slice(1) as string[]) {
    // Go rejects leading zeros (they read as octal elsewhere).
    if ((part.length > 1 && part.startsWith('0')) || Number(part) > 255) return undefined;
    n = (n << 8n) | BigInt(part);
  }
  return n;
}

function parseIpv6(s: string): bigint | undefined {
  let text = s;
  // An embedded IPv4 tail (`::ffff:1.2.3.4`) stands for the last two groups.
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const group = (h: string): bigint[] | undefined => {
    if (h === '') return [];
    const out: bigint[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(BigInt(`0x${g}`));
    }
    return out;
  };
  const head = group(halves[0] ?? '');
  const rest = halves.length === 2 ? group(halves[1] ?? '') : [];
  if (!head || !rest) return undefined;
  const given = head.length + rest.length;
  if (halves.length === 2 ? given > 7 : given !== 8) return undefined;
  const groups = [...head, ...new Array<bigint>(8 - given).fill(0n), ...rest];
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** Go's net.ParseIP: an IPv4 or IPv6 address. */
export function parseIp(s: string): { bits: 32 | 128; value: bigint } | undefined {
  const v4 = parseIpv4(s);
  if (v4 !== undefined) return { bits: 32, value: v4 };
  const v6 = parseIpv6(s);
  return v6 === undefined ? undefined : { bits: 128, value: v6 };
}

/** Go's net.ParseCIDR: the network of `ip/prefix`. */
export function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const addr = s.slice(0, slash);
  const len = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(len)) return undefined;
  const prefix = Number(len);
  const v4 = parseIpv4(addr);
  const bits = v4 !== undefined ? 32 : 128;
  const ip = v4 ?? parseIpv6(addr);
  if (ip === undefined || prefix > bits) return undefined;
  const hostBits = BigInt(bits - prefix);
  return { bits, network: (ip >> hostBits) << hostBits, prefix };
}

/** Go's IP.String(): dotted IPv4 (also for IPv4-mapped IPv6), RFC 5952 text for IPv6. */
export function formatIp(ip: bigint, bits: 32 | 128): string {
  if (bits === 32 || ip >> 32n === 0xffffn) {
    const v = ip & 0xffffffffn;
    return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.');
  }
  const groups = Array.from({ length: 8 }, (_, i) => Number((ip >> BigInt(112 - 16 * i)) & 0xffffn));
  // The longest run of two or more zero groups (the first of equal runs) becomes `::`.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (best < 0) return hex(groups);
  return `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLen))}`;
}

/** OPA's generateIPNet: a CIDR, or a bare IPv4 address with its classful default mask (Go's
 *  IP.DefaultMask); a bare IPv6 address has no default. */
function mergeOperand(x: unknown): Cidr {
  if (typeof x !== 'string') throw new BuiltinError('net.cidr_merge: element must be string');
  const v4 = parseIpv4(x);
  if (v4 !== undefined) {
    const first = Number(v4 >> 24n);
    const prefix = first < 0x80 ? 8 : first < 0xc0 ? 16 : 24;
    const host = BigInt(32 - prefix);
    return { bits: 32, network: (v4 >> host) << host, prefix };
  }
  if (!x.includes('/') && parseIpv6(x) !== undefined) throw new BuiltinError('net.cidr_merge: IPv6 invalid: needs prefix length');
  const cidr = parseCidr(x);
  if (!cidr) throw new BuiltinError(`net.cidr_merge: invalid CIDR address: ${x}`);
  return cidr;
}

/** The fewest CIDRs covering [first, last] exactly: the largest aligned block at each start. */
function rangeToCidrs(first: bigint, last: bigint, bits: 32 | 128): string[] {
  const out: string[] = [];
  let start = first;
  while (start <= last) {
    let size = BigInt(bits);
    while (size > 0n && (start & ((1n << size) - 1n)) !== 0n) size--;
    while (size > 0n && start + (1n << size) - 1n > last) size--;
    out.push(`${formatIp(start, bits)}/${bits - Number(size)}`);
    start += 1n << size;
  }
  return out;
}

/** OPA's evalNetCIDRMerge: per address family, overlapping and adjacent networks become one range,
 *  then the fewest CIDRs covering it. */
function mergeCidrs(cidrs: Cidr[]): string[] {
  const out: string[] = [];
  for (const bits of [32, 128] as const) {
    const ranges = cidrs
      .filter((c) => c.bits === bits)
      .map((c) => [c.network, c.network + (1n << BigInt(bits - c.prefix)) - 1n] as [bigint, bigint])
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const merged: [bigint, bigint][] = [];
    for (const r of ranges) {
      const top = merged[merged.length - 1];
      if (top && r[0] <= top[1] + 1n) top[1] = r[1] > top[1] ? r[1] : top[1];
      else merged.push([r[0], r[1]]);
    }
    for (const [first, last] of merged) out.push(...rangeToCidrs(first, last, bits));
  }
  return out;
}

export function netBuiltins(): Record<string, Builtin> {
  return {
    'net.cidr_expand': (cidr) => {
      if (typeof cidr !== 'string') throw operandError(`net.cidr_expand: operand 1 must be string but got ${cidr === null ? 'null' : Array.isArray(cidr) ? 'array' : typeof cidr}`);
      const parsed = parseCidr(cidr);
      if (!parsed) throw new BuiltinError(`net.cidr_expand: invalid CIDR address: ${cidr}`);
      const count = 1n << BigInt(parsed.bits - parsed.prefix);
      if (count > BigInt(MAX_CIDR_EXPANSION)) throw new BuiltinError(`net.cidr_expand: ${cidr} has more than ${MAX_CIDR_EXPANSION} addresses`);
      const out: string[] = [];
      for (let i = 0n; i < count; i++) out.push(formatIp(parsed.network + i, parsed.bits));
      return out;
    },
    // A Rego set arrives as an array (host builtins get JSON); either is a list of networks.
    'net.cidr_merge': (networks) => {
      if (!Array.isArray(networks)) throw operandError(`net.cidr_merge: operand 1 must be one of {array, set} but got ${networks === null ? 'null' : typeof networks}`);
      return mergeCidrs(networks.map(mergeOperand));
    },
  };
}
