import type { JobLimits } from '../protocol/v1/schemas';
import { probeTcpPorts } from './tcp-probe';

export interface PortScanResult {
  /** Open ports, ascending. */
  open: number[];
  closed: number;
  filtered: number;
}

/**
 * TCP connect scan of one address (an IP literal: resolve and check exclusions first). Closed means
 * the host reset the connection; filtered means no answer after `limits.retries` extra attempts, or
 * the host or network was unreachable. Throws the abort reason when `signal` aborts.
 */
export async function scanPorts(options: { address: string; ports: readonly number[]; limits: JobLimits; signal?: AbortSignal }): Promise<PortScanResult> {
  const result: PortScanResult = { open: [], closed: 0, filtered: 0 };
  await probeTcpPorts({
    ...options,
    onAnswer: ({ port, state }) => {
      if (state === 'open') result.open.push(port);
      else result[state]++;
    },
  });
  result.open.sort((a, b) => a - b);
  return result;
}
