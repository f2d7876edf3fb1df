import { isIP } from 'node:net';
import { AppError } from '../../server/errors/app-error';
import type { JobLimits } from '../protocol/v1/schemas';
import { connectScanHelper, setHelperConnectionRate } from './connect-scan-helper';
import { probeInProcess, setInProcessConnectionRate } from './in-process-tcp-probe';

/**
 * TCP connect probing shared by port scanning and host discovery: `portConcurrency` connections in
 * flight, started no faster than `perHostRate`, timed-out ports retried in later passes (a dropped SYN
 * is usually congestion, so a second look later is worth more than one at once).
 *
 * The probes run in the connect-scan helper (scanner/native/connect-scan, Go: on a fast network a connect
 * scan is CPU-bound, and one Node thread spends about 70 µs per port) or, when its binary is missing, in
 * this process (in-process-tcp-probe.ts). Both answer alike.
 */

export type ProbeAnswer = 'open' | 'closed' | 'filtered';

/** Connect probes take an address, never a name: resolving here would bypass the exclusion check. */
export function assertIpAddress(address: string): void {
  if (isIP(address) === 0) {
    throw new AppError('BAD_INPUT', `"${address}" is not an IP address: resolve host names (discoverHost) and check exclusions first`);
  }
}

/** Caps new connections per second across the whole scanner node (`vigil scanner run --max-rate`); 0 lifts the cap. */
export function setNodeConnectionRate(options: { perSecond: number }): void {
  setInProcessConnectionRate(options);
  setHelperConnectionRate(options);
}

export interface ProbeOptions {
  /** An IP literal. */
  address: string;
  ports: readonly number[];
  limits: JobLimits;
  signal?: AbortSignal;
  /** Each port's final answer, once. Returning `'stop'` ends the run at once (discovery needs one answer). */
  onAnswer: (answer: { port: number; state: ProbeAnswer }) => void | 'stop';
}

/**
 * Probes every port and reports each final answer: open (connected), closed (reset), filtered (no
 * answer after `retries` extra passes, or unreachable). Rejects with the abort reason when `signal`
 * aborts. Every socket is closed before the promise settles.
 */
export function probeTcpPorts(options: ProbeOptions): Promise<void> {
  assertIpAddress(options.address);
  return connectScanHelper()?.probe(options) ?? probeInProcess(options);
}
