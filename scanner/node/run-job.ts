import type { DetectedService, HostProblem, HostResult, JobCredential, JobHost, JobSpec } from '../protocol/v1/schemas';
import { discoverHost } from '../checks/discovery';
import { scanPorts } from '../checks/port-scan';
import { detectService } from '../checks/service-detect';
import { collectSshInventory } from '../checks/ssh-inventory';
import { runPool } from './run-pool';
import { isExcluded, parsePortSpec } from '../targets';

const SSH_PORT = 22;

/** Scans one host of a job through the profile's stages; every failure becomes a problem on the result. */
export async function scanHost(options: { job: JobSpec; host: JobHost; credential: JobCredential | null; signal: AbortSignal }): Promise<HostResult> {
  const { job, host, signal } = options;
  const startedAt = new Date().toISOString();
  const problems: HostProblem[] = [];
  const result = (fields: Partial<HostResult>): HostResult => ({
    address: host.address,
    reachable: false,
    openPorts: [],
    closedPorts: 0,
    filteredPorts: 0,
    services: [],
    problems,
    startedAt,
    finishedAt: new Date().toISOString(),
    ...fields,
  });
  // Checked again here, on the node, whatever the console sent: exclusions always win.
  if (isExcluded({ address: host.address, exclusions: job.exclusions })) {
    problems.push({ stage: 'excluded', message: 'the address is on the exclusion list; nothing was sent to it' });
    return result({});
  }
  const hostSignal = AbortSignal.any([signal, AbortSignal.timeout(job.limits.hostTimeoutMs)]);
  try {
    const discovery = await discoverHost({ address: host.address, exclusions: job.exclusions, limits: job.limits, signal: hostSignal });
    if (discovery.problem) problems.push(discovery.problem);
    const hostname = discovery.address && discovery.address !== host.address ? { hostname: host.address } : {};
    if (!discovery.reachable || !discovery.address) return result(hostname);
    if (job.profile === 'discovery') return result({ ...hostname, reachable: true });
    const address = discovery.address;
    const ports = await scanPorts({ address, ports: parsePortSpec(job.ports), limits: job.limits, signal: hostSignal });
    const services: DetectedService[] = [];
    await runPool({
      items: ports.open,
      concurrency: Math.min(16, job.limits.portConcurrency),
      signal: hostSignal,
      run: async (port) => {
        // A target given by name is asked for by that name (TLS SNI, HTTP Host), as a browser would.
        services.push(await detectService({ address, port, limits: job.limits, signal: hostSignal, ...(address !== host.address ? { hostname: host.address } : {}) }));
      },
    });
    services.sort((a, b) => a.port - b.port);
    const scanned = {
      ...hostname,
      reachable: true,
      openPorts: ports.open.map((port) => ({ port, proto: 'tcp' as const, state: 'open' as const })),
      closedPorts: ports.closed,
      filteredPorts: ports.filtered,
      services,
    };
    if (job.profile !== 'inventory' || !options.credential) return result(scanned);
    const sshPort = services.find((s) => s.name === 'ssh')?.port ?? (ports.open.includes(SSH_PORT) ? SSH_PORT : undefined);
    if (!sshPort) {
      problems.push({ stage: 'ssh', message: 'no SSH service found on the scanned ports; no inventory collected' });
      return result(scanned);
    }
    const ssh = await collectSshInventory({
      address,
      port: sshPort,
      credential: options.credential,
      ...(host.expectedHostKey ? { expectedHostKey: host.expectedHostKey } : {}),
      timeoutMs: Math.max(1000, job.limits.hostTimeoutMs / 2),
      signal: hostSignal,
    });
    problems.push(...ssh.problems);
    return result({ ...scanned, ssh: ssh.ssh });
  } catch (error) {
    // The job itself was stopped: let the caller know, there is nothing to report for this host.
    if (signal.aborted) throw signal.reason;
    problems.push({ stage: hostSignal.aborted ? 'timeout' : 'scan', message: hostSignal.aborted ? `host not finished within ${job.limits.hostTimeoutMs} ms` : String((error as Error).message).slice(0, 1000) });
    return result({});
  }
}

/** Runs a whole job: its hosts with bounded concurrency, each result handed to `onHostResult` as soon as it is complete. */
export async function runJob(options: { job: JobSpec; credential: JobCredential | null; signal: AbortSignal; onHostResult: (result: HostResult) => Promise<void> }): Promise<void> {
  await runPool({
    items: options.job.hosts,
    concurrency: options.job.limits.hostConcurrency,
    signal: options.signal,
    run: async (host) => {
      const result = await scanHost({ job: options.job, host, credential: options.credential, signal: options.signal });
      await options.onHostResult(result);
    },
  });
}
