import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { resolvedAddressesRefusal, webhookHostVerdict, webhookUrlRefusal, type WebhookTargetRule } from './webhook-target-policy';

/** A creation does not wait longer than this for DNS; a name that does not resolve (yet) is left to delivery. */
const CREATION_RESOLVE_MS = 5_000;

/** A delivery the target policy refused: recorded as failed with this message, never retried. */
export class WebhookTargetRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookTargetRefusedError';
  }
}

/**
 * Why a URL may not be a webhook target as the console sees it now: its shape, its host's verdict, and for a host
 * name every address it resolves to. Null when it may be.
 */
export async function webhookTargetRefusal(options: { url: string; rules: readonly WebhookTargetRule[] }): Promise<string | null> {
  const refusal = webhookUrlRefusal(options.url, options.rules);
  if (refusal) return refusal;
  const url = new URL(options.url);
  if (webhookHostVerdict(url.hostname, options.rules) !== 'resolve') return null;
  let timer: NodeJS.Timeout | undefined;
  const addresses = await Promise.race([
    dns.promises.lookup(url.hostname, { all: true }).then((found) => found.map((entry) => entry.address), () => null),
    new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), CREATION_RESOLVE_MS))),
  ]).finally(() => clearTimeout(timer));
  return addresses ? resolvedAddressesRefusal(url.hostname, addresses, options.rules) : null;
}

/**
 * A `lookup` for http(s).request: resolves the name once, checks every address it got (unless an entry names the
 * host), and hands the socket exactly those. The addresses connected to are the ones checked, so a name that
 * answers differently the next time (DNS rebinding) cannot slip a refused address in between check and connection.
 */
export function checkedLookup(rules: readonly WebhookTargetRule[]): LookupFunction {
  return (hostname, options, callback) => {
    const verdict = webhookHostVerdict(hostname, rules);
    if (typeof verdict === 'object') return callback(new WebhookTargetRefusedError(verdict.refusal), '');
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const refusal = verdict === 'allowed' ? null : addresses.length === 0 ? `${hostname} resolves to no address` : resolvedAddressesRefusal(hostname, addresses.map((entry) => entry.address), rules);
      if (refusal) return callback(new WebhookTargetRefusedError(refusal), '');
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
