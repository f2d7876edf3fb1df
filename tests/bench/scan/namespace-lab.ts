import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Scan targets for the benchmarks: network namespaces this process creates, each running a real sshd and a Python
 * HTTP server, and one more namespace, the scanner's, joined to each of them by a veth pair. The house rule allows
 * scanning only loopback and namespaces a test creates itself, and only 127.0.0.0/8 addresses: the links carry
 * /30s from 127.77.0.0/16, which Linux routes over a link once the namespace lets it (`route_localnet`, and its
 * local table narrowed to 127.0.0.1). All of that happens inside the namespaces; the host's own network is not
 * touched, and nothing outside them can reach the addresses.
 */

const NAMESPACE_PREFIX = 'vigil-bench-';
/** Where the scanners run during the bench: `ip netns exec` it (see runInScannerNamespace in ../scan.bench.ts). */
export const SCANNER_NAMESPACE = `vigil-bench-scanner`;
/** The environment variable that hands the lab's hosts to the process running in the scanner namespace. */
export const LAB_HOSTS_VARIABLE = 'VIGIL_SCAN_BENCH_LAB_HOSTS';
const SCANNER_LINK_PREFIX = 'vbs';
const SSHD = '/usr/sbin/sshd';
const NFT_TABLE = 'vigil_bench';
/** Closed ports the firewall variant lets through (so they answer with a reset, not silence). */
const UNFILTERED_CLOSED_PORTS = [443, 990];

const HTTP_SERVER_SCRIPT = `
import functools, http.server, sys, threading
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[2])
servers = [http.server.ThreadingHTTPServer((sys.argv[1], int(port)), handler) for port in sys.argv[3:]]
for server in servers[1:]:
    threading.Thread(target=server.serve_forever, daemon=True).start()
print('ready', flush=True)
servers[0].serve_forever()
`;

export interface LabHost {
  namespace: string;
  address: string;
  /** Ground truth: the ports something listens on, ascending. */
  openPorts: number[];
}

export interface NamespaceLab {
  hosts: LabHost[];
  stop(): void;
}

/** Runs a command to its end and returns its stdout; `input` is its stdin. */
const run = (options: { command: string; args: string[]; input?: string }) =>
  execFileSync(options.command, options.args, { stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], input: options.input, encoding: 'utf8' });
const inNamespace = (options: { namespace: string; command: string; args: string[]; input?: string }) =>
  run({ command: 'ip', args: ['netns', 'exec', options.namespace, options.command, ...options.args], input: options.input });

/** Host `index` is 127.77.0.(4·index+2) on a /30 whose scanner side is 127.77.0.(4·index+1). */
const linkAddress = (options: { index: number; side: 'scanner' | 'namespace' }) => `127.77.0.${4 * options.index + (options.side === 'scanner' ? 1 : 2)}`;

/** Lets a namespace route 127.0.0.0/8 over its links: only 127.0.0.1 stays local, martian checks are off. */
function allowLoopbackRange(options: { namespace: string; link: string }): void {
  const { namespace, link } = options;
  inNamespace({ namespace, command: 'sysctl', args: ['-qw', 'net.ipv4.conf.all.route_localnet=1', 'net.ipv4.conf.all.rp_filter=0', `net.ipv4.conf.${link}.route_localnet=1`, `net.ipv4.conf.${link}.rp_filter=0`] });
  const localRoutes = inNamespace({ namespace, command: 'ip', args: ['route', 'show', 'table', 'local'] });
  if (/^local 127\.0\.0\.0\/8 /m.test(localRoutes)) inNamespace({ namespace, command: 'ip', args: ['route', 'del', 'local', '127.0.0.0/8', 'dev', 'lo', 'table', 'local'] });
}

/** Removes what a crashed run left: processes in our namespaces (by pid), the namespaces and host links (by name). */
export function removeLeftovers(): void {
  const namespaces = run({ command: 'ip', args: ['netns', 'list'] })
    .split('\n')
    .map((line) => line.split(' ')[0]!)
    .filter((name) => name.startsWith(NAMESPACE_PREFIX));
  for (const namespace of namespaces) {
    for (const pid of run({ command: 'ip', args: ['netns', 'pids', namespace] }).split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    run({ command: 'ip', args: ['netns', 'delete', namespace] });
  }
  // Deleting a namespace destroys its veth pairs: nothing is left on the host.
}

function waitForOutput(options: { child: ChildProcess; stream: 'stdout' | 'stderr'; text: string; what: string }): Promise<void> {
  const { child, stream, text, what } = options;
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 60 s:\n${seen}`)), 60_000);
    child[stream]!.setEncoding('utf8').on('data', (chunk: string) => {
      seen += chunk;
      if (seen.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`${what} exited:\n${seen}`));
    });
  });
}

/** Creates `count` namespaces with their links and listeners; stops everything again if any step fails. */
export async function startNamespaceLab(options: { count: number }): Promise<NamespaceLab> {
  removeLeftovers();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-lab-'));
  const children: ChildProcess[] = [];
  const hosts: LabHost[] = [];
  const stop = () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    removeLeftovers();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const hostKeyFile = path.join(dir, 'host_ed25519_key');
    run({ command: 'ssh-keygen', args: ['-q', '-t', 'ed25519', '-N', '', '-f', hostKeyFile] });
    const started: Promise<void>[] = [];
    run({ command: 'ip', args: ['netns', 'add', SCANNER_NAMESPACE] });
    inNamespace({ namespace: SCANNER_NAMESPACE, command: 'ip', args: ['link', 'set', 'lo', 'up'] });
    for (let index = 0; index < options.count; index++) {
      const namespace = `${NAMESPACE_PREFIX}${index}`;
      const scannerLink = `${SCANNER_LINK_PREFIX}${index}`;
      const address = linkAddress({ index, side: 'namespace' });
      run({ command: 'ip', args: ['netns', 'add', namespace] });
      run({ command: 'ip', args: ['-n', SCANNER_NAMESPACE, 'link', 'add', scannerLink, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', namespace] });
      allowLoopbackRange({ namespace: SCANNER_NAMESPACE, link: scannerLink });
      inNamespace({ namespace: SCANNER_NAMESPACE, command: 'ip', args: ['addr', 'add', `${linkAddress({ index, side: 'scanner' })}/30`, 'dev', scannerLink] });
      inNamespace({ namespace: SCANNER_NAMESPACE, command: 'ip', args: ['link', 'set', scannerLink, 'up'] });
      inNamespace({ namespace, command: 'ip', args: ['link', 'set', 'lo', 'up'] });
      allowLoopbackRange({ namespace, link: 'eth0' });
      inNamespace({ namespace, command: 'ip', args: ['addr', 'add', `${address}/30`, 'dev', 'eth0'] });
      inNamespace({ namespace, command: 'ip', args: ['link', 'set', 'eth0', 'up'] });

      // Every host differs in one port, so a scanner cannot do well by guessing the common ones.
      const httpPorts = [80, 100 + 37 * index];
      const sshdConfig = path.join(dir, `sshd_config.${index}`);
      writeFileSync(sshdConfig, [`ListenAddress ${address}`, 'Port 22', `HostKey ${hostKeyFile}`, `PidFile ${path.join(dir, `sshd.${index}.pid`)}`, 'UsePAM no', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'AllowUsers nobody', ''].join('\n'));
      const sshd = spawn('ip', ['netns', 'exec', namespace, SSHD, '-D', '-e', '-f', sshdConfig], { stdio: ['ignore', 'ignore', 'pipe'] });
      const http = spawn('ip', ['netns', 'exec', namespace, '/usr/bin/python3', '-c', HTTP_SERVER_SCRIPT, address, dir, ...httpPorts.map(String)], { stdio: ['ignore', 'pipe', 'ignore'] });
      children.push(sshd, http);
      started.push(waitForOutput({ child: sshd, stream: 'stderr', text: 'Server listening on', what: `sshd in ${namespace}` }));
      started.push(waitForOutput({ child: http, stream: 'stdout', text: 'ready', what: `HTTP server in ${namespace}` }));
      hosts.push({ namespace, address, openPorts: [22, ...httpPorts].sort((a, b) => a - b) });
    }
    await Promise.all(started);
  } catch (error) {
    stop();
    throw error;
  }
  return { hosts, stop };
}

/** Drops every TCP port of every host except the open ones and two closed ones, or lifts that again. */
export function setLabFirewall(options: { hosts: LabHost[]; dropping: boolean }): void {
  for (const host of options.hosts) {
    // Declaring the table first makes the delete valid whether or not it exists; nft applies the script atomically.
    const reset = `table inet ${NFT_TABLE} {}\ndelete table inet ${NFT_TABLE}\n`;
    const allowed = [...host.openPorts, ...UNFILTERED_CLOSED_PORTS].join(', ');
    const drop = `table inet ${NFT_TABLE} { chain input { type filter hook input priority 0; policy accept; tcp dport != { ${allowed} } drop; }; }\n`;
    inNamespace({ namespace: host.namespace, command: 'nft', args: ['-f', '-'], input: options.dropping ? reset + drop : reset });
  }
}
