import { isLoopbackHttpUrl } from '../sso/loopback-issuer';
import { embeddedIpv4, formatIpv4, parseIp, parseIpRange, rangeContains, type IpRange } from './ip-ranges';

/**
 * Where the console may send webhooks (server-side request forgery: an administrator naming the console's own
 * services or a cloud metadata endpoint as a "receiver"). Refused unless VIGIL_WEBHOOK_ALLOWED_TARGETS says
 * otherwise: loopback, unspecified, link-local (cloud metadata), multicast, broadcast and reserved addresses, in any
 * spelling (IPv4-mapped, NAT64, 6to4, decimal or hex IPv4 — the URL parser writes those as dotted quads). Private
 * ranges (RFC 1918, fc00::/7, shared 100.64/10) are allowed: a webhook's usual receiver is the intranet's ticketing
 * or chat system, and the console's own loopback services stay unreachable all the same.
 */
export const ALLOWED_TARGETS_VARIABLE = 'VIGIL_WEBHOOK_ALLOWED_TARGETS';
/** How a refusal begins, at creation and in a refused delivery's `lastError`. */
export const WEBHOOK_TARGET_REFUSED = 'refused as a webhook target: ';

/** One entry of VIGIL_WEBHOOK_ALLOWED_TARGETS: an address, CIDR or host name; `!` in front refuses instead. */
export interface WebhookTargetRule {
  allow: boolean;
  entry: string;
  /** A host name (lower case, no trailing dot), else null. */
  host: string | null;
  range: IpRange | null;
}

const REFUSED_RANGES = [
  { range: '0.0.0.0/8', what: 'an unspecified ("this network") address' },
  { range: '127.0.0.0/8', what: 'a loopback address' },
  { range: '100.100.100.200/32', what: 'a cloud metadata address' },
  { range: '169.254.0.0/16', what: 'a link-local address (where cloud metadata services answer)' },
  { range: '224.0.0.0/4', what: 'a multicast address' },
  { range: '255.255.255.255/32', what: 'the broadcast address' },
  { range: '240.0.0.0/4', what: 'a reserved address' },
  { range: '::/128', what: 'the unspecified address' },
  { range: '::1/128', what: 'a loopback address' },
  { range: 'fd00:ec2::254/128', what: 'a cloud metadata address' },
  { range: 'fe80::/10', what: 'a link-local address' },
  { range: 'ff00::/8', what: 'a multicast address' },
].map(({ range, what }) => ({ range: parseIpRange(range)!, what }));

/** Ports of other protocols that browsers refuse to send HTTP to (the Fetch standard's "bad ports"). */
const BAD_PORTS = new Set([
  0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465,
  512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668,
  6669, 6679, 6697, 10080,
]);

const HOST_NAME = /^(?=.{1,253}$)[a-z\d]([a-z\d-]{0,61}[a-z\d])?(\.[a-z\d]([a-z\d-]{0,61}[a-z\d])?)*$/;

/** A DNS name; not one the URL parser would read as an IPv4 address (a last label such as `1` or `0x7f`). */
const isHostName = (host: string) => HOST_NAME.test(host) && !/(^|\.)(\d+|0x[\da-f]*)$/.test(host);

/** `Host.Example.` and `host.example` name one host. */
const normalHost = (host: string) => host.toLowerCase().replace(/\.$/, '');

/** The entries of VIGIL_WEBHOOK_ALLOWED_TARGETS (comma-separated), with one problem per entry that is not one. */
export function parseWebhookTargetRules(value: string): { rules: WebhookTargetRule[]; problems: string[] } {
  const rules: WebhookTargetRule[] = [];
  const problems: string[] = [];
  for (const entry of value.split(',').map((part) => part.trim()).filter(Boolean)) {
    const allow = !entry.startsWith('!');
    const target = allow ? entry : entry.slice(1).trim();
    const range = parseIpRange(target);
    if (range) rules.push({ allow, entry, host: null, range });
    else if (isHostName(normalHost(target))) rules.push({ allow, entry, host: normalHost(target), range: null });
    else problems.push(`"${entry}" is not an address, CIDR (a.b.c.d/n, x:y::/n, host bits zero) or host name`);
  }
  return { rules, problems };
}

/**
 * What is wrong with a webhook URL on its own, whatever the configuration: it must be https:// (plain http:// only
 * to this machine, which then needs VIGIL_WEBHOOK_ALLOWED_TARGETS), without credentials or fragment, and not to a
 * port of another protocol. Null when it is fine.
 */
export function webhookUrlProblem(value: string): string | null {
  const url = URL.canParse(value) ? new URL(value) : null;
  if (!url || (url.protocol !== 'https:' && !isLoopbackHttpUrl(url))) return 'must be an https:// URL (http:// only for 127.0.0.1, ::1 or localhost)';
  if (url.username || url.password) return 'must not carry credentials (user:password@)';
  if (url.hash) return 'must not have a fragment (#…)';
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  if (BAD_PORTS.has(port)) return `port ${port} belongs to another protocol (browsers refuse it too)`;
  return null;
}

/** The configured rule that decides for an address: the longest matching prefix; a refusal wins a tie. */
function ruleFor(address: bigint, rules: readonly WebhookTargetRule[]): WebhookTargetRule | null {
  let best: WebhookTargetRule | null = null;
  for (const rule of rules) {
    if (!rule.range || !rangeContains(rule.range, address)) continue;
    if (!best || rule.range.prefix > best.range!.prefix || (rule.range.prefix === best.range!.prefix && !rule.allow)) best = rule;
  }
  return best;
}

/** What makes an address a refused target ("a loopback address"), or null. */
function refusedAs(address: bigint, rules: readonly WebhookTargetRule[]): string | null {
  const rule = ruleFor(address, rules);
  if (rule) return rule.allow ? null : `refused by ${ALLOWED_TARGETS_VARIABLE} entry ${rule.entry}`;
  const embedded = embeddedIpv4(address);
  if (embedded !== null) {
    const inner = refusedAs(embedded, rules);
    return inner ? `an address carrying ${formatIpv4(embedded)}, ${inner}` : null;
  }
  return REFUSED_RANGES.find(({ range }) => rangeContains(range, address))?.what ?? null;
}

function addressRefusal(address: string, rules: readonly WebhookTargetRule[], subject: (what: string) => string): string | null {
  const bits = parseIp(address);
  const what = bits === null ? 'not an IP address' : refusedAs(bits, rules);
  return what ? subject(what) : null;
}

/** Why the console may not connect to an address (as a URL or DNS gives it), or null. */
export function webhookAddressRefusal(address: string, rules: readonly WebhookTargetRule[]): string | null {
  return addressRefusal(address, rules, (what) => `${address} is ${what}`);
}

/**
 * The verdict on a URL's host name before any DNS: a literal address is judged here; a name that an entry names
 * takes that entry's verdict (`allowed`: its addresses are trusted); any other name is judged by the addresses it
 * resolves to (`resolve`).
 */
export function webhookHostVerdict(hostname: string, rules: readonly WebhookTargetRule[]): { refusal: string } | 'allowed' | 'resolve' {
  if (parseIp(hostname) !== null) {
    const refusal = webhookAddressRefusal(hostname, rules);
    return refusal ? { refusal } : 'allowed';
  }
  const host = normalHost(hostname);
  const named = rules.filter((rule) => rule.host === host);
  if (named.length === 0) return 'resolve';
  const denied = named.find((rule) => !rule.allow);
  return denied ? { refusal: `${host} is refused by ${ALLOWED_TARGETS_VARIABLE} entry ${denied.entry}` } : 'allowed';
}

/** What the URL alone shows to be refused (its shape, a literal address, a name an entry refuses); null otherwise. */
export function webhookUrlRefusal(value: string, rules: readonly WebhookTargetRule[]): string | null {
  const problem = webhookUrlProblem(value);
  if (problem) return problem;
  const verdict = webhookHostVerdict(new URL(value).hostname, rules);
  return typeof verdict === 'object' ? verdict.refusal : null;
}

/** Every address a name resolves to must be acceptable: one refused address refuses the name. */
export function resolvedAddressesRefusal(host: string, addresses: readonly string[], rules: readonly WebhookTargetRule[]): string | null {
  for (const address of addresses) {
    const refusal = addressRefusal(address, rules, (what) => `${host} resolves to ${address}, ${what}`);
    if (refusal) return refusal;
  }
  return null;
}
