import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { connectScanBinary, connectScanHelper } from '../../scanner/checks/connect-scan-helper';
import { discoverHost } from '../../scanner/checks/discovery';
import { scanPorts } from '../../scanner/checks/port-scan';
import { detectService } from '../../scanner/checks/service-detect';
import { collectSshInventory } from '../../scanner/checks/ssh-inventory';
import { prepareScannerProcess } from '../../scanner/node/prepare-scanner-process';
import { runPool } from '../../scanner/node/run-pool';
import type { DetectedService, JobLimits } from '../../scanner/protocol/v1/schemas';
import { parsePortSpec } from '../../scanner/targets';
import { DEFAULT_LIMITS } from '../../server/services/scans/scan-input';
import { startOpenSshServer, type OpenSshServer } from '../helpers/openssh-server';
import { LAB_HOSTS_VARIABLE, SCANNER_NAMESPACE, setLabFirewall, startNamespaceLab, type LabHost } from './scan/namespace-lab';
import { PROJECT_ROOT } from '../helpers/cli';
import { runNmap, type NmapPort } from './scan/nmap';

/**
 * `npm run bench -- scan` (README "Scanning: benchmarks"), as root (namespaces, nftables, sshd):
 * (a) port discovery of 20 namespace hosts × ports 1–1000 beside `nmap -sT -T4`, on an open network and
 *     behind nftables dropping most ports; wall time (median of 3), ratio and recall;
 * (b) service detection on the open ports beside `nmap -sT -sV`: time ratio, product/version agreement;
 * (c) SSH inventory of 20 hosts beside 20 concurrent OpenSSH `ssh … dpkg-query -W`: time ratio, same packages;
 * (d) the scanning processes' peak RSS while Vigil runs (a): Node and its connect-scan helper.
 * `SCAN_BENCH_PARTS=a,c` runs some parts only ((d) comes with (a)). `VIGIL_CONNECT_SCAN_BIN=/nonexistent` measures
 * the in-process fallback instead of the helper.
 */

const execFileAsync = promisify(execFile);
const line = (label: string, value: string) => process.stdout.write(`${label.padEnd(64)} ${value}\n`);
const PARTS = new Set((process.env.SCAN_BENCH_PARTS ?? 'a,b,c').split(','));
const RUNS = 3;
const HOST_COUNT = 20;
const PORT_RANGE = '1-1000';
const NMAP_PORT_SCAN = ['-sT', '-T4', `-p${PORT_RANGE}`, '-n', '-Pn'];
/**
 * The defaults before this bench tuned them (README "Scanning: benchmarks"), measured beside the current ones:
 * 16 hosts at once left 20 hosts in two rounds, and 256 ports × 1500 ms meant four waves of timeouts per pass.
 */
const LIMITS_BEFORE_TUNING: JobLimits = { hostConcurrency: 16, portConcurrency: 256, perHostRate: 0, connectTimeoutMs: 1500, retries: 1, hostTimeoutMs: 600_000 };

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const limitsLabel = (limits: JobLimits) => `hosts ${limits.hostConcurrency}, ports ${limits.portConcurrency}, timeout ${limits.connectTimeoutMs} ms, retries ${limits.retries}`;

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

/** RSS of this process and of its connect-scan helper, if one runs. */
function scanningRss(): number {
  const pid = connectScanHelper()?.pid;
  // statm's second field is the resident set in pages (4 KiB on this machine).
  const helperRss = pid === undefined ? 0 : Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096;
  return process.memoryUsage().rss + helperRss;
}

/** Peak RSS of the scanning processes while `work` runs, sampled every 50 ms. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ value: T; peakRss: number }> {
  let peakRss = scanningRss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, scanningRss());
  }, 50);
  try {
    const value = await work();
    return { value, peakRss: Math.max(peakRss, scanningRss()) };
  } finally {
    clearInterval(sampler);
  }
}

/** What a node does for a job's hosts up to the port stage (run-job's scanHost): discovery, then the connect scan. */
async function vigilPortScan(options: { addresses: string[]; limits: JobLimits }): Promise<Map<string, number[]>> {
  const { limits } = options;
  const ports = parsePortSpec(PORT_RANGE);
  const found = new Map<string, number[]>();
  await runPool({
    items: options.addresses,
    concurrency: limits.hostConcurrency,
    signal: new AbortController().signal,
    run: async (address) => {
      const signal = AbortSignal.timeout(limits.hostTimeoutMs);
      const discovery = await discoverHost({ address, exclusions: [], limits, signal });
      found.set(address, discovery.reachable ? (await scanPorts({ address, ports, limits, signal })).open : []);
    },
  });
  return found;
}

/** Open ports found that the reference has, over all the reference's open ports; plus ports found it does not have. */
function recallOf(options: { found: Map<string, number[]>; reference: Map<string, number[]> }): string {
  let hits = 0;
  let total = 0;
  let extra = 0;
  for (const [address, expected] of options.reference) {
    const found = new Set(options.found.get(address) ?? []);
    total += expected.length;
    hits += expected.filter((port) => found.has(port)).length;
    extra += [...found].filter((port) => !expected.includes(port)).length;
  }
  return `${(hits / Math.max(1, total)).toFixed(3)} (${hits}/${total}${extra ? `, ${extra} not in the reference` : ''})`;
}

const nmapOpenPorts = (found: Map<string, NmapPort[]>) => new Map([...found].map(([address, ports]) => [address, ports.map((p) => p.port)]));

async function portDiscovery(options: { hosts: LabHost[]; variant: string }): Promise<void> {
  const addresses = options.hosts.map((host) => host.address);
  const truth = new Map(options.hosts.map((host) => [host.address, host.openPorts]));
  const candidates = [
    { name: 'defaults', limits: DEFAULT_LIMITS as JobLimits },
    { name: 'defaults before tuning', limits: LIMITS_BEFORE_TUNING },
  ];
  const vigilRuns = candidates.map(() => ({ ms: [] as number[], peakRss: 0, found: new Map<string, number[]>() }));
  const nmapMs: number[] = [];
  let nmapFound = new Map<string, number[]>();
  const baselineRss = scanningRss();
  // Interleaved, so background load on the shared machine falls on every side alike.
  for (let i = 0; i < RUNS; i++) {
    for (const [index, candidate] of candidates.entries()) {
      const { value, peakRss } = await withPeakRss(() => timed(() => vigilPortScan({ addresses, limits: candidate.limits })));
      const runs = vigilRuns[index]!;
      runs.ms.push(value.ms);
      runs.peakRss = Math.max(runs.peakRss, peakRss);
      runs.found = value.value;
    }
    const nmap = await timed(() => runNmap({ args: NMAP_PORT_SCAN, hosts: addresses }));
    nmapMs.push(nmap.ms);
    nmapFound = nmapOpenPorts(nmap.value);
  }
  const nmapMedian = median(nmapMs);
  line(`(a) ${options.variant}: nmap ${NMAP_PORT_SCAN.join(' ')}`, `${seconds(nmapMedian)} (runs ${nmapMs.map(seconds).join(', ')}), recall vs truth ${recallOf({ found: nmapFound, reference: truth })}`);
  for (const [index, candidate] of candidates.entries()) {
    const runs = vigilRuns[index]!;
    const label = `(a) ${options.variant}: vigil, ${candidate.name} (${limitsLabel(candidate.limits)})`;
    line(label, `${seconds(median(runs.ms))} (runs ${runs.ms.map(seconds).join(', ')}) = ${(median(runs.ms) / nmapMedian).toFixed(2)}x nmap`);
    line(`    recall vs truth / vs nmap`, `${recallOf({ found: runs.found, reference: truth })} / ${recallOf({ found: runs.found, reference: nmapFound })}`);
    line(`(d) ${options.variant}: peak RSS of node + helper, vigil ${candidate.name}`, `${megabytes(runs.peakRss)} (${megabytes(baselineRss)} before the scans)`);
  }
}

interface ServiceRow {
  vigil: string;
  nmap: string;
  agree: boolean;
}

const productVersion = (service: { product?: string; version?: string } | undefined) => (service?.product ? `${service.product}${service.version ? ` ${service.version}` : ''}` : '—');
const comparable = (product: string) => product.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Same product, and Vigil's version is where nmap's starts (nmap adds the distribution's revision, e.g. `9.2p1 Debian 2+deb12u3`). */
function compareService(options: { vigil: DetectedService | undefined; nmap: NmapPort | undefined }): ServiceRow {
  const { vigil, nmap } = options;
  const productsAgree = !!vigil?.product && !!nmap?.product && comparable(vigil.product) === comparable(nmap.product);
  const versionsAgree = !nmap?.version || (!!vigil?.version && nmap.version.startsWith(vigil.version));
  return { vigil: productVersion(vigil), nmap: productVersion(nmap), agree: productsAgree && versionsAgree };
}

async function serviceDetection(options: { hosts: LabHost[] }): Promise<void> {
  const { hosts } = options;
  const limits = DEFAULT_LIMITS as JobLimits;
  const jobSignal = new AbortController().signal;
  const allOpen = [...new Set(hosts.flatMap((host) => host.openPorts))].sort((a, b) => a - b);
  const nmapArgs = ['-sT', '-sV', `-p${allOpen.join(',')}`, '-n', '-Pn'];
  const vigilMs: number[] = [];
  const nmapMs: number[] = [];
  let vigilFound = new Map<string, DetectedService[]>();
  let nmapFound = new Map<string, NmapPort[]>();
  for (let i = 0; i < RUNS; i++) {
    // As run-job does it: hosts at the job's concurrency, each host's open ports at most 16 at a time.
    const vigil = await timed(async () => {
      const found = new Map<string, DetectedService[]>();
      await runPool({
        items: hosts,
        concurrency: limits.hostConcurrency,
        signal: jobSignal,
        run: async (host) => {
          const signal = AbortSignal.timeout(limits.hostTimeoutMs);
          const services: DetectedService[] = [];
          await runPool({ items: host.openPorts, concurrency: Math.min(16, limits.portConcurrency), signal, run: async (port) => void services.push(await detectService({ address: host.address, port, limits, signal })) });
          found.set(host.address, services);
        },
      });
      return found;
    });
    vigilMs.push(vigil.ms);
    vigilFound = vigil.value;
    const nmap = await timed(() => runNmap({ args: nmapArgs, hosts: hosts.map((host) => host.address) }));
    nmapMs.push(nmap.ms);
    nmapFound = nmap.value;
  }
  line(`(b) vigil detectService on ${hosts.length * hosts[0]!.openPorts.length} open ports (defaults)`, `${seconds(median(vigilMs))} (runs ${vigilMs.map(seconds).join(', ')})`);
  line(`(b) nmap ${nmapArgs.join(' ')}`, `${seconds(median(nmapMs))} (runs ${nmapMs.map(seconds).join(', ')})`);
  line('(b) ratio vigil / nmap', `${(median(vigilMs) / median(nmapMs)).toFixed(2)}x`);
  // One table row per distinct pair of answers, with how many ports gave it.
  const rows = new Map<string, ServiceRow & { ports: number }>();
  for (const host of hosts) {
    for (const port of host.openPorts) {
      const row = compareService({ vigil: vigilFound.get(host.address)?.find((s) => s.port === port), nmap: nmapFound.get(host.address)?.find((p) => p.port === port) });
      const key = `${row.vigil}|${row.nmap}`;
      rows.set(key, { ...row, ports: (rows.get(key)?.ports ?? 0) + 1 });
    }
  }
  process.stdout.write('\n| vigil product version | nmap product version | ports | agree |\n| --- | --- | --- | --- |\n');
  for (const row of rows.values()) process.stdout.write(`| ${row.vigil} | ${row.nmap} | ${row.ports} | ${row.agree ? 'yes' : 'no'} |\n`);
  const agreeing = [...rows.values()].filter((row) => row.agree).reduce((sum, row) => sum + row.ports, 0);
  line('\n(b) ports where product and version agree', `${agreeing} of ${[...rows.values()].reduce((sum, row) => sum + row.ports, 0)}`);
}

/** The installed packages as `name version` lines, from `dpkg-query` output with the status column first. */
const installedPackages = (output: string) =>
  new Set(
    output
      .split('\n')
      .filter((row) => /^[ih]i/.test(row))
      .map((row) => row.split('\t').slice(1, 3).join(' ')),
  );

async function sshInventory(): Promise<void> {
  const servers: OpenSshServer[] = [];
  const keyDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-ssh-'));
  try {
    // One sshd per host, as 20 real hosts would be: one sshd would throttle 20 simultaneous logins (MaxStartups 10).
    servers.push(...(await Promise.all(Array.from({ length: HOST_COUNT }, () => startOpenSshServer({ clientKeyPassphrase: '' })))));
    const keyFiles = servers.map((server, index) => {
      const file = path.join(keyDir, `key-${index}`);
      writeFileSync(file, server.clientKey.private, { mode: 0o600 });
      return file;
    });
    // The same filter Vigil's inventory applies (installed or held packages only), so the two sets are comparable.
    const dpkgQuery = "dpkg-query -W -f='${db:Status-Abbrev}\\t${Package}\\t${Version}\\n'";
    const vigilMs: number[] = [];
    const sshMs: number[] = [];
    let vigilPackages: Set<string>[] = [];
    let sshPackages: Set<string>[] = [];
    let problems: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const vigil = await timed(() =>
        Promise.all(
          servers.map((server) =>
            collectSshInventory({ address: server.host, port: server.port, credential: { type: 'ssh-key', username: server.user, privateKey: server.clientKey.private, sudo: false }, expectedHostKey: server.hostKeyFingerprint, timeoutMs: 120_000 }),
          ),
        ),
      );
      vigilMs.push(vigil.ms);
      vigilPackages = vigil.value.map((outcome) => new Set((outcome.ssh.inventory?.packages ?? []).filter((p) => p.ecosystem === 'deb').map((p) => `${p.name} ${p.version}`)));
      problems = vigil.value.flatMap((outcome) => outcome.problems.map((problem) => `${problem.stage}: ${problem.message}`));
      const ssh = await timed(() =>
        Promise.all(
          servers.map((server, index) =>
            execFileAsync('ssh', ['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR', '-i', keyFiles[index]!, '-p', String(server.port), `${server.user}@${server.host}`, dpkgQuery], { maxBuffer: 64 * 1024 * 1024 }),
          ),
        ),
      );
      sshMs.push(ssh.ms);
      sshPackages = ssh.value.map(({ stdout }) => installedPackages(stdout));
    }
    const identical = vigilPackages.every((ours, index) => {
      const theirs = sshPackages[index]!;
      return ours.size === theirs.size && [...ours].every((p) => theirs.has(p));
    });
    line(`(c) vigil collectSshInventory ×${HOST_COUNT} concurrently (key)`, `${seconds(median(vigilMs))} (runs ${vigilMs.map(seconds).join(', ')})${problems.length ? `, problems: ${problems.slice(0, 3).join('; ')}` : ''}`);
    line(`(c) OpenSSH ssh … dpkg-query -W ×${HOST_COUNT} concurrently (key)`, `${seconds(median(sshMs))} (runs ${sshMs.map(seconds).join(', ')})`);
    line('(c) ratio vigil / ssh', `${(median(vigilMs) / median(sshMs)).toFixed(2)}x`);
    line('(c) same installed packages (name + version) on every host', identical ? `yes (${vigilPackages[0]!.size} each)` : `no: vigil ${vigilPackages.map((s) => s.size).join(',')} / ssh ${sshPackages.map((s) => s.size).join(',')}`);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    rmSync(keyDir, { recursive: true, force: true });
  }
}

/** Parts (a) and (b): run inside the scanner namespace, the only place the lab's 127.77.0.0/16 links lead from. */
export async function runLabParts(options: { hosts: LabHost[] }): Promise<void> {
  const { hosts } = options;
  line('connect scans', connectScanHelper() ? `connect-scan helper ${connectScanBinary()}` : 'in the Node process (no helper binary)');
  if (PARTS.has('a')) {
    setLabFirewall({ hosts, dropping: false });
    await portDiscovery({ hosts, variant: 'open network' });
    setLabFirewall({ hosts, dropping: true });
    await portDiscovery({ hosts, variant: 'nftables drops 995 of 1000 ports' });
  }
  if (PARTS.has('b')) {
    setLabFirewall({ hosts, dropping: false });
    await serviceDetection({ hosts });
  }
}

/** Runs tests/bench/scan/lab-parts.ts (runLabParts) in the scanner namespace, its output passed through. */
async function runInScannerNamespace(options: { hosts: LabHost[] }): Promise<void> {
  const tsx = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
  await new Promise<void>((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', SCANNER_NAMESPACE, tsx, path.join(__dirname, 'scan', 'lab-parts.ts')], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, [LAB_HOSTS_VARIABLE]: JSON.stringify(options.hosts) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the lab parts ended with exit code ${code}`))));
  });
}

export async function run(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the scan bench needs root: it creates network namespaces, nftables rules and sshd instances');
  line('machine', `${os.cpus().length} cores (shared with other work), Node ${process.version}`);
  // Measured as a node runs: with its process settings (no stack traces for connect errors).
  prepareScannerProcess();
  if (PARTS.has('a') || PARTS.has('b')) {
    const lab = await startNamespaceLab({ count: HOST_COUNT });
    try {
      line('lab', `${lab.hosts.length} target namespaces linked to a scanner namespace (127.77.0.0/16), ${lab.hosts.reduce((n, h) => n + h.openPorts.length, 0)} open ports`);
      await runInScannerNamespace({ hosts: lab.hosts });
    } finally {
      lab.stop();
    }
  }
  if (PARTS.has('c')) await sshInventory();
}
