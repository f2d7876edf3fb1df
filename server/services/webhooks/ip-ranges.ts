import { isIP } from 'node:net';

/**
 * Addresses as 128-bit numbers, an IPv4 address as its IPv4-mapped IPv6 form (`::ffff:a.b.c.d`): one range test
 * then covers both spellings of an address (`127.0.0.1` and `[::ffff:7f00:1]` are the same target).
 */
export interface IpRange {
  base: bigint;
  /** Leading bits that must equal `base`'s, of 128. */
  prefix: number;
}

const MAPPED_IPV4 = 0xffffn << 32n;
const IPV4_BITS = 0xffffffffn;

function ipv4Bits(text: string): bigint {
  return text.split('.').reduce((bits, part) => (bits << 8n) | BigInt(Number(part)), 0n);
}

function ipv6Bits(text: string): bigint {
  // A trailing dotted IPv4 part (`::ffff:1.2.3.4`) is the last two groups.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  const hex = tail.includes('.') ? `${text.slice(0, lastColon + 1)}${(ipv4Bits(tail) >> 16n).toString(16)}:${(ipv4Bits(tail) & 0xffffn).toString(16)}` : text;
  const [left = '', right] = hex.split('::');
  const head = left ? left.split(':') : [];
  const rest = right === undefined ? [] : right ? right.split(':') : [];
  const groups = right === undefined ? head : [...head, ...Array<string>(8 - head.length - rest.length).fill('0'), ...rest];
  return groups.reduce((bits, group) => (bits << 16n) | BigInt(parseInt(group, 16)), 0n);
}

/** An IPv4 or IPv6 address (brackets and a `%zone` allowed) as 128 bits; null when the text is not an address. */
export function parseIp(text: string): bigint | null {
  const bare = (text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text).replace(/%.*$/, '');
  const version = isIP(bare);
  if (version === 4) return MAPPED_IPV4 | ipv4Bits(bare);
  if (version === 6) return ipv6Bits(bare);
  return null;
}

/** `address` or `address/prefix` (IPv4 prefixes count IPv4 bits); null when it is neither, or has host bits set. */
export function parseIpRange(text: string): IpRange | null {
  const [address = '', length, ...extra] = text.split('/');
  const base = parseIp(address);
  if (base === null || extra.length > 0 || (length !== undefined && !/^\d{1,3}$/.test(length))) return null;
  const ipv4 = isIP(address) === 4;
  const bits = length === undefined ? (ipv4 ? 32 : 128) : Number(length);
  if (bits > (ipv4 ? 32 : 128)) return null;
  const range = { base, prefix: ipv4 ? 96 + bits : bits };
  return (base & ((1n << BigInt(128 - range.prefix)) - 1n)) === 0n ? range : null;
}

export function rangeContains(range: IpRange, address: bigint): boolean {
  const hostBits = BigInt(128 - range.prefix);
  return address >> hostBits === range.base >> hostBits;
}

/** Dotted form of the IPv4 address in the low 32 bits. */
export function formatIpv4(address: bigint): string {
  const bits = address & IPV4_BITS;
  return [24n, 16n, 8n, 0n].map((shift) => String((bits >> shift) & 0xffn)).join('.');
}

/**
 * The IPv4 address an IPv6 address carries for a translator or tunnel to reach — NAT64 (64:ff9b::/96), 6to4
 * (2002::/16) and the deprecated IPv4-compatible form (::a.b.c.d) — as its mapped form; null for any other.
 */
export function embeddedIpv4(address: bigint): bigint | null {
  const high96 = address >> 32n;
  if (high96 === 0x64ff9bn << 64n) return MAPPED_IPV4 | (address & IPV4_BITS);
  if (high96 === 0n && address > 1n) return MAPPED_IPV4 | (address & IPV4_BITS);
  if (address >> 112n === 0x2002n) return MAPPED_IPV4 | ((address >> 80n) & IPV4_BITS);
  return null;
}
