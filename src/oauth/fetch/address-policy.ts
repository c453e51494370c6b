// Which addresses an outbound fetch may connect to: none that is loopback, private, shared, link-local
// (169.254.169.254 and other cloud metadata endpoints), multicast, reserved or unspecified, unless the
// operator's allowlist names the host, the address or a range holding it.
import { BlockList, isIP } from 'node:net';

const forbiddenV4: [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
const forbiddenV6: [string, number][] = [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
];

// Separate lists: a BlockList matches IPv4 addresses against IPv4-mapped IPv6 rules too, so one list
// holding both families would misjudge. Mapped addresses are judged by the IPv4 address inside them.
const forbidden4 = new BlockList();
for (const [a, p] of forbiddenV4) forbidden4.addSubnet(a, p, 'ipv4');
const forbidden6 = new BlockList();
for (const [a, p] of forbiddenV6) forbidden6.addSubnet(a, p, 'ipv6');
const mapped6 = new BlockList();
mapped6.addSubnet('::ffff:0:0', 96, 'ipv6');

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d` or `::ffff:xxxx:yyyy`), if it is one. */
function mappedV4(address: string): string | undefined {
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (dotted?.[1]) return dotted[1];
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hex?.[1] && hex[2]) {
    const hi = Number.parseInt(hex[1], 16);
    const lo = Number.parseInt(hex[2], 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return undefined;
}

/** True for an address no fetch may reach without the allowlist; anything that is not an IP address counts. */
export function isNonPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const v4 = mappedV4(bare);
  if (v4 !== undefined) return isIP(v4) !== 4 || forbidden4.check(v4, 'ipv4');
  const family = isIP(bare);
  if (family === 4) return forbidden4.check(bare, 'ipv4');
  // A mapped form the parser above did not read is refused rather than guessed at.
  if (family === 6) return mapped6.check(bare, 'ipv6') || forbidden6.check(bare, 'ipv6');
  return true;
}

/** The operator's exceptions: host names, addresses and CIDR ranges a fetch may reach although non-public. */
export class AddressAllowlist {
  readonly #hosts = new Set<string>();
  readonly #ranges = new BlockList();

  constructor(entries: readonly string[]) {
    for (const raw of entries) {
      const entry = raw.trim().toLowerCase().replace(/^\[|\]$/g, '');
      const cidr = /^(.+)\/(\d{1,3})$/.exec(entry);
      if (cidr?.[1] && cidr[2]) {
        const family = isIP(cidr[1]);
        const prefix = Number(cidr[2]);
        if (family === 0 || prefix > (family === 4 ? 32 : 128)) throw new TypeError(`allowlist entry ${JSON.stringify(raw)} is not a valid CIDR range`);
        this.#ranges.addSubnet(cidr[1], prefix, family === 4 ? 'ipv4' : 'ipv6');
      } else if (isIP(entry) === 4) this.#ranges.addAddress(entry, 'ipv4');
      else if (isIP(entry) === 6) this.#ranges.addAddress(entry, 'ipv6');
      else if (/^[a-z0-9.-]{1,253}$/.test(entry)) this.#hosts.add(entry);
      else throw new TypeError(`allowlist entry ${JSON.stringify(raw)} is not a host, an address or a CIDR range`);
    }
  }

  /** True when the operator named this host (case-insensitive, exact). */
  allowsHost(host: string): boolean {
    return this.#hosts.has(host.toLowerCase());
  }

  allowsAddress(address: string): boolean {
    const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
    const family = isIP(bare);
    if (family === 0) return false;
    return this.#ranges.check(bare, family === 4 ? 'ipv4' : 'ipv6');
  }
}
