import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { HostProblem, JobLimits } from '../protocol/v1/schemas';
import { isExcluded } from '../targets';
import { probeTcpPorts } from './tcp-probe';

/** Ports that some common system answers on, open or not: any answer proves the host is there. */
export const DISCOVERY_PORTS: readonly number[] = [22, 80, 443, 445, 3389, 8080, 25, 21, 139, 53, 135, 23, 110, 143, 8443, 3306, 5432, 111];

export interface DiscoveryResult {
  reachable: boolean;
  /** The address scanned: the target itself, or what its host name resolved to. */
  address?: string;
  /** What proved the host up, e.g. `tcp/22 open` or `tcp/80 closed`. */
  via?: string;
  problem?: HostProblem;
}

/**
 * Is the host up? A name is resolved first (dns.lookup, the system resolver) and its address checked
 * against the exclusions again; then TCP probes go to `ports`: a connection or a reset from any of them
 * means up, all timing out (after retries) means down. Throws the abort reason when `signal` aborts.
 */
export async function discoverHost(options: {
  address: string;
  exclusions: string[];
  limits: JobLimits;
  signal?: AbortSignal;
  ports?: readonly number[];
  /** The resolver for host names; the system's by default. */
  resolve?: (hostname: string) => Promise<string>;
}): Promise<DiscoveryResult> {
  const { limits, exclusions } = options;
  const resolve = options.resolve ?? (async (hostname: string) => (await lookup(hostname)).address);
  let address = options.address;
  if (isIP(address) === 0) {
    try {
      address = await resolve(address);
    } catch (error) {
      options.signal?.throwIfAborted();
      return { reachable: false, problem: { stage: 'discovery', message: `cannot resolve ${options.address}: ${(error as Error).message}`.slice(0, 1024) } };
    }
  }
  if (isExcluded({ address, exclusions })) {
    const what = address === options.address ? address : `${options.address} resolves to ${address}, which`;
    return { reachable: false, address, problem: { stage: 'excluded', message: `${what} is excluded` } };
  }

  let via: string | undefined;
  await probeTcpPorts({
    address,
    ports: options.ports ?? DISCOVERY_PORTS,
    limits,
    signal: options.signal,
    // One answer of any kind is proof enough: stop there.
    onAnswer: ({ port, state }) => {
      if (state === 'filtered') return;
      via = `tcp/${port} ${state}`;
      return 'stop';
    },
  });
  return via ? { reachable: true, address, via } : { reachable: false, address };
}
