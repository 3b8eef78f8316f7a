/**
 * What kind of address an IP is, for deciding whether the hub may connect to it. Pure: text in, category
 * out. IPv6 forms that carry an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4
 * `2002::/16`) are classified as that IPv4 address, so that none of them reaches a range the IPv4 rules
 * refuse.
 */
import { isIPv4, isIPv6 } from 'node:net';

export type IpCategory =
  /** Routable on the internet. */
  | 'public'
  /** 127.0.0.0/8, ::1. */
  | 'loopback'
  /** 10/8, 172.16/12, 192.168/16, 100.64/10 (CGNAT), fc00::/7, fec0::/10. */
  | 'private'
  /** 169.254.0.0/16, fe80::/10. */
  | 'link_local'
  /** Cloud instance metadata services: 169.254.169.254, fd00:ec2::254. */
  | 'metadata'
  /** 0.0.0.0, ::. */
  | 'unspecified'
  /** 224.0.0.0/4, ff00::/8. */
  | 'multicast'
  /** 255.255.255.255. */
  | 'broadcast'
  /** Not for use as a destination: 0/8, 240/4, 192.0.0/24, 198.18/15, documentation, ::/96, 100::/64, 2001:db8::/32. */
  | 'reserved';

type Range = { base: bigint; bits: number; category: IpCategory };

function v4(text: string, bits: number, category: IpCategory): Range {
  return { base: parseIpv4(text)!, bits, category };
}

function v6(text: string, bits: number, category: IpCategory): Range {
  return { base: parseIpv6(text)!, bits, category };
}

/** Most specific first: the first range that matches decides. */
const IPV4_RANGES: readonly Range[] = [
  v4('169.254.169.254', 32, 'metadata'),
  v4('0.0.0.0', 32, 'unspecified'),
  v4('255.255.255.255', 32, 'broadcast'),
  v4('0.0.0.0', 8, 'reserved'),
  v4('127.0.0.0', 8, 'loopback'),
  v4('10.0.0.0', 8, 'private'),
  v4('172.16.0.0', 12, 'private'),
  v4('192.168.0.0', 16, 'private'),
  v4('100.64.0.0', 10, 'private'),
  v4('169.254.0.0', 16, 'link_local'),
  v4('192.0.0.0', 24, 'reserved'),
  v4('192.0.2.0', 24, 'reserved'),
  v4('198.18.0.0', 15, 'reserved'),
  v4('198.51.100.0', 24, 'reserved'),
  v4('203.0.113.0', 24, 'reserved'),
  v4('224.0.0.0', 4, 'multicast'),
  v4('240.0.0.0', 4, 'reserved'),
];

const IPV6_RANGES: readonly Range[] = [
  v6('::', 128, 'unspecified'),
  v6('::1', 128, 'loopback'),
  v6('fd00:ec2::254', 128, 'metadata'),
  v6('::', 96, 'reserved'),
  v6('100::', 64, 'reserved'),
  v6('2001:db8::', 32, 'reserved'),
  v6('fe80::', 10, 'link_local'),
  v6('fec0::', 10, 'private'),
  v6('fc00::', 7, 'private'),
  v6('ff00::', 8, 'multicast'),
];

/** IPv6 prefixes whose addresses embed an IPv4 address, with where it sits (bits from the right). */
const EMBEDDED_IPV4: readonly { prefix: Range; shift: bigint }[] = [
  { prefix: v6('::ffff:0:0', 96, 'public'), shift: 0n },
  { prefix: v6('64:ff9b::', 96, 'public'), shift: 0n },
  { prefix: v6('2002::', 16, 'public'), shift: 80n },
];

const IPV4_MASK = 0xffff_ffffn;

function inRange(value: bigint, range: Range, width: number): boolean {
  const shift = BigInt(width - range.bits);
  return value >> shift === range.base >> shift;
}

/** Dotted-quad IPv4 as a 32-bit number; undefined for anything else. */
export function parseIpv4(text: string): bigint | undefined {
  if (!isIPv4(text)) return undefined;
  return text.split('.').reduce((value, part) => (value << 8n) | BigInt(Number(part)), 0n);
}

/** IPv6 (with `::`, an IPv4 tail, a zone or brackets) as a 128-bit number; undefined for anything else. */
export function parseIpv6(text: string): bigint | undefined {
  let address = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const zone = address.indexOf('%');
  if (zone !== -1) address = address.slice(0, zone);
  if (!isIPv6(address)) return undefined;
  let groups: string[];
  const tail = address.lastIndexOf(':');
  const last = address.slice(tail + 1);
  if (last.includes('.')) {
    const ipv4 = parseIpv4(last)!;
    address = `${address.slice(0, tail + 1)}${(ipv4 >> 16n).toString(16)}:${(ipv4 & 0xffffn).toString(16)}`;
  }
  const halves = address.split('::');
  if (halves.length === 2) {
    const head = halves[0] ? halves[0].split(':') : [];
    const rest = halves[1] ? halves[1].split(':') : [];
    groups = [...head, ...Array<string>(8 - head.length - rest.length).fill('0'), ...rest];
  } else {
    groups = address.split(':');
  }
  return groups.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}

function classifyIpv4Number(value: bigint): IpCategory {
  return IPV4_RANGES.find((range) => inRange(value, range, 32))?.category ?? 'public';
}

/** The category of an IP address, or undefined when the text is not one. */
export function classifyIp(address: string): IpCategory | undefined {
  const ipv4 = parseIpv4(address);
  if (ipv4 !== undefined) return classifyIpv4Number(ipv4);
  const ipv6 = parseIpv6(address);
  if (ipv6 === undefined) return undefined;
  for (const { prefix, shift } of EMBEDDED_IPV4) {
    if (inRange(ipv6, prefix, 128)) return classifyIpv4Number((ipv6 >> shift) & IPV4_MASK);
  }
  return IPV6_RANGES.find((range) => inRange(ipv6, range, 128))?.category ?? 'public';
}
