import { isIPv4, isIPv6 } from 'node:net';
import { AppError } from '../server/errors/app-error';

/**
 * Scan targets: what a job's target list and exclusion list mean as addresses, and port specs.
 * Exclusions always win (SPEC §3): they are applied while expanding, and `isExcluded` lets the node
 * check an address again just before it connects (a hostname's resolved address included).
 */

export const DEFAULT_MAX_HOSTS = 65_536;

export interface TargetProblem {
  target: string;
  message: string;
}

type Family = 4 | 6;

interface AddressValue {
  family: Family;
  value: bigint;
}

interface AddressRange {
  family: Family;
  first: bigint;
  last: bigint;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };
const V4_MAPPED_PREFIX = 0xffffn << 32n;
const HOSTNAME = /^(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

function parseIPv4(text: string): bigint {
  return text.split('.').reduce((value, octet) => (value << 8n) | BigInt(octet), 0n);
}

function parseIPv6(text: string): bigint {
  // The URL parser validates and normalises (embedded IPv4, `::`) so only hex groups remain to read.
  const normalised = new URL(`http://[${text}]/`).hostname.slice(1, -1);
  const [head = '', tail] = normalised.split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return all.reduce((value, group) => (value << 16n) | BigInt(`0x${group}`), 0n);
}

/** An IPv4 or IPv6 literal as a number; IPv4-mapped IPv6 counts as the IPv4 address it carries. */
function parseAddress(text: string): AddressValue | null {
  if (isIPv4(text)) return { family: 4, value: parseIPv4(text) };
  const bare = text.replace(/%.*$/, '');
  if (!isIPv6(bare)) return null;
  const value = parseIPv6(bare);
  return value >> 32n === V4_MAPPED_PREFIX >> 32n ? { family: 4, value: value & 0xffffffffn } : { family: 6, value };
}

function formatAddress({ family, value }: AddressValue): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

/** Parses one address, `a.b.c.d-e`, `a.b.c.d-a.b.c.e` or CIDR; null when the text is none of these. */
function parseRange(text: string): AddressRange | { error: string } | null {
  const slash = text.indexOf('/');
  if (slash >= 0) {
    const base = parseAddress(text.slice(0, slash));
    const prefixText = text.slice(slash + 1);
    if (!base) return null;
    const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
    const bits = BITS[base.family];
    if (!(prefix >= 0 && prefix <= bits)) return { error: `prefix length must be 0–${bits}` };
    const hostBits = BigInt(bits - prefix);
    const first = (base.value >> hostBits) << hostBits;
    return { family: base.family, first, last: first + (1n << hostBits) - 1n };
  }
  const single = parseAddress(text);
  if (single) return { family: single.family, first: single.value, last: single.value };
  const dash = text.indexOf('-');
  if (dash < 0) return null;
  const start = parseAddress(text.slice(0, dash));
  const endText = text.slice(dash + 1);
  if (!start) return null;
  let end: AddressValue | null;
  if (start.family === 4 && /^\d{1,3}$/.test(endText)) {
    const lastOctet = Number(endText);
    if (lastOctet > 255) return { error: `${endText} is not an octet (0–255)` };
    end = { family: 4, value: ((start.value >> 8n) << 8n) | BigInt(lastOctet) };
  } else {
    end = parseAddress(endText);
  }
  if (!end || end.family !== start.family) return { error: 'a range ends with an address of the same family' };
  if (end.value < start.value) return { error: 'the range ends before it starts' };
  return { family: start.family, first: start.value, last: end.value };
}

function isHostname(text: string): boolean {
  // A dotted name whose last label is numeric is a malformed address (127.0.0.300), not a host name.
  return HOSTNAME.test(text) && !/(^|\.)\d+\.?$/.test(text);
}

interface CompiledExclusions {
  /** Sorted, merged ranges per family, searched by bisection. */
  ranges: Record<Family, AddressRange[]>;
  hostnames: Set<string>;
}

const normaliseHostname = (name: string) => name.toLowerCase().replace(/\.$/, '');

function compileExclusions(exclusions: string[]): CompiledExclusions {
  const parsed: Record<Family, AddressRange[]> = { 4: [], 6: [] };
  const hostnames = new Set<string>();
  for (const raw of exclusions) {
    const text = raw.trim();
    const range = parseRange(text);
    if (range && 'family' in range) parsed[range.family].push(range);
    else if (!range && isHostname(text)) hostnames.add(normaliseHostname(text));
    // An exclusion that cannot be applied must stop the scan rather than be skipped.
    else throw new AppError('BAD_INPUT', `exclusion "${raw}" is not an address, range, CIDR or host name${range ? `: ${range.error}` : ''}`);
  }
  const merge = (list: AddressRange[]) =>
    list
      .sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0))
      .reduce<AddressRange[]>((merged, range) => {
        const previous = merged.at(-1);
        if (previous && range.first <= previous.last + 1n) previous.last = range.last > previous.last ? range.last : previous.last;
        else merged.push({ ...range });
        return merged;
      }, []);
  return { ranges: { 4: merge(parsed[4]), 6: merge(parsed[6]) }, hostnames };
}

function matchesExclusions(address: AddressValue, compiled: CompiledExclusions): boolean {
  const ranges = compiled.ranges[address.family];
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const range = ranges[middle]!;
    if (address.value < range.first) high = middle - 1;
    else if (address.value > range.last) low = middle + 1;
    else return true;
  }
  return false;
}

/**
 * A check of addresses (IP literals or host names) against `exclusions`, parsed once: for checking
 * many hosts of one job. Throws BAD_INPUT when an exclusion cannot be understood, so a typo never
 * silently widens a scan.
 */
export function createExclusionCheck(exclusions: string[]): (address: string) => boolean {
  const compiled = compileExclusions(exclusions);
  return (text) => {
    const address = parseAddress(text.trim());
    return address ? matchesExclusions(address, compiled) : compiled.hostnames.has(normaliseHostname(text.trim()));
  };
}

/** Whether a scan must not touch `address` (an IP literal or a host name); see createExclusionCheck. */
export function isExcluded(options: { address: string; exclusions: string[] }): boolean {
  return createExclusionCheck(options.exclusions)(options.address);
}

/**
 * Expands targets (addresses, ranges, CIDRs, host names, IPv6 literals) into the hosts to scan, in the
 * order given, without duplicates and without anything excluded. A target that cannot be understood,
 * or would take the job past `maxHosts`, is reported in `problems` and skipped.
 */
export function expandTargets(options: { targets: string[]; exclusions: string[]; maxHosts?: number }): {
  hosts: string[];
  problems: TargetProblem[];
} {
  const maxHosts = options.maxHosts ?? DEFAULT_MAX_HOSTS;
  const compiled = compileExclusions(options.exclusions);
  const hosts = new Set<string>();
  const problems: TargetProblem[] = [];

  for (const raw of options.targets) {
    const text = raw.trim();
    const range = parseRange(text);
    if (range && 'error' in range) {
      problems.push({ target: raw, message: `"${raw}" is not a valid range: ${range.error}` });
      continue;
    }
    if (!range) {
      const name = normaliseHostname(text);
      if (!isHostname(text)) problems.push({ target: raw, message: `"${raw}" is not an address, range, CIDR or host name` });
      else if (compiled.hostnames.has(name) || hosts.has(name)) continue;
      else if (hosts.size >= maxHosts) problems.push({ target: raw, message: `a job may hold at most ${maxHosts} hosts` });
      else hosts.add(name);
      continue;
    }
    const size = range.last - range.first + 1n;
    if (size > BigInt(maxHosts - hosts.size)) {
      problems.push({
        target: raw,
        message: `"${raw}" covers ${size} addresses; a job may hold at most ${maxHosts} hosts (${hosts.size} already), split it into smaller ranges`,
      });
      continue;
    }
    for (let value = range.first; value <= range.last; value++) {
      const address = { family: range.family, value };
      if (!matchesExclusions(address, compiled)) hosts.add(formatAddress(address));
    }
  }
  return { hosts: [...hosts], problems };
}

// nmap's 100 most frequently open TCP ports (nmap-services), the same set as `nmap -F`.
const TOP_100_PORTS =
  '7,9,13,21-23,25-26,37,53,79-81,88,106,110-111,113,119,135,139,143-144,179,199,389,427,443-445,465,513-515,543-544,' +
  '548,554,587,631,646,873,990,993,995,1025-1029,1110,1433,1720,1723,1755,1900,2000-2001,2049,2121,2717,3000,3128,' +
  '3306,3389,3986,4899,5000,5009,5051,5060,5101,5190,5357,5432,5631,5666,5800,5900,6000-6001,6646,7070,8000,8008-8009,' +
  '8080-8081,8443,8888,9100,9999-10000,32768,49152-49157';

/** Parses `22,80,443,8000-8100` (or `top100`, nmap's most common ports) into sorted unique TCP ports. */
export function parsePortSpec(spec: string): number[] {
  const ports = new Set<number>();
  const items = spec.split(',').map((item) => item.trim());
  const port = (text: string, item: string) => {
    if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65_535) {
      throw new AppError('BAD_INPUT', `port spec "${spec}": "${item}" is not a port (1–65535) or a range of ports`);
    }
    return Number(text);
  };
  for (const item of items) {
    if (item.toLowerCase() === 'top100') {
      for (const top of parsePortSpec(TOP_100_PORTS)) ports.add(top);
      continue;
    }
    const [startText = '', endText, extra] = item.split('-').map((part) => part.trim());
    if (extra !== undefined) throw new AppError('BAD_INPUT', `port spec "${spec}": "${item}" has more than one "-"`);
    const start = port(startText, item);
    const end = endText === undefined ? start : port(endText, item);
    if (end < start) throw new AppError('BAD_INPUT', `port spec "${spec}": range "${item}" ends before it starts`);
    for (let p = start; p <= end; p++) ports.add(p);
  }
  return [...ports].sort((a, b) => a - b);
}
