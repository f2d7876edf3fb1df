import { execFileSync } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';
import { Server as Ssh2Server, utils } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSshInventory, MAX_INVENTORY_OUTPUT_BYTES, type CollectSshInventoryOptions } from '../../../scanner/checks/ssh-inventory';
import type { JobCredential } from '../../../scanner/protocol/v1/schemas';
import { isSudoInstalled, startOpenSshServer, type OpenSshServer } from '../../helpers/openssh-server';

// Every connection here goes to 127.0.0.1 (SPEC §3: tests only ever touch loopback).
const LOOPBACK = '127.0.0.1';

let sshd: OpenSshServer;
beforeAll(async () => {
  sshd = await startOpenSshServer({ sudo: isSudoInstalled() });
});
afterAll(async () => {
  await sshd?.stop();
});

const passwordCredential = (overrides: Partial<JobCredential> = {}): JobCredential => ({ type: 'ssh-password', username: sshd.user, password: sshd.password, sudo: false, ...overrides });
const collect = (options: Partial<CollectSshInventoryOptions> & Pick<CollectSshInventoryOptions, 'credential'>) =>
  collectSshInventory({ address: LOOPBACK, port: sshd.port, expectedHostKey: sshd.hostKeyFingerprint, timeoutMs: 30_000, ...options });

/** This machine's installed packages straight from dpkg, as `name arch version` lines. */
function localDpkgPackages(): string[] {
  const output = execFileSync('dpkg-query', ['-W', '-f', '${db:Status-Status}\\t${Package}\\t${Architecture}\\t${Version}\\n'], { encoding: 'utf8' });
  return output
    .split('\n')
    .map((line) => line.split('\t'))
    .filter(([status]) => status === 'installed')
    .map(([, name, arch, version]) => `${name} ${arch} ${version}`)
    .sort();
}

/** Resolves once sshd has logged the end of a connection that began after `from` characters of its log. */
async function sshdLogAfterDisconnect(from: number): Promise<string> {
  for (let waited = 0; waited < 5_000; waited += 50) {
    const log = sshd.log().slice(from);
    if (/Connection closed by|Disconnected from|Received disconnect from|Connection reset by/.test(log)) return log;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`sshd logged no disconnect:\n${sshd.log().slice(from)}`);
}

function listenOnLoopback(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, LOOPBACK, () => resolve((server.address() as AddressInfo).port)));
}

describe('SSH inventory against a real OpenSSH server', () => {
  it("logs in with a password and collects this machine's real package list", async () => {
    const logFrom = sshd.log().length;
    const { ssh, problems } = await collect({ credential: passwordCredential() });

    expect(problems).toEqual([]);
    expect(ssh.authenticated).toBe(true);
    expect(ssh.hostKey).toEqual({ algorithm: 'ssh-ed25519', fingerprint: sshd.hostKeyFingerprint });
    const packages = ssh.inventory!.packages.map((p) => `${p.name} ${p.arch} ${p.version}`).sort();
    expect(packages.length).toBeGreaterThan(100);
    expect(packages).toEqual(localDpkgPackages());
    expect(ssh.inventory!.os.family).toBe('debian');
    expect(ssh.inventory!.kernel).toBe(execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim());
    expect(ssh.listening).toContain(sshd.port);
    expect(ssh.rawOutput).toMatch(/^### hostname\n[\s\S]*\n### end\n$/);
    // The same probe that must stay silent for a refused host key does see a real login.
    expect(sshd.log().slice(logFrom)).toContain(`userauth-request for user ${sshd.user}`);
  });

  it('logs in with a passphrase-protected key', async () => {
    const { ssh, problems } = await collect({ credential: { type: 'ssh-key', username: sshd.user, privateKey: sshd.clientKey.private, passphrase: sshd.clientKey.passphrase!, sudo: false } });
    expect(problems).toEqual([]);
    expect(ssh.authenticated).toBe(true);
    expect(ssh.inventory!.packages.length).toBe(localDpkgPackages().length);
    expect(sshd.log()).toMatch(new RegExp(`Accepted publickey for ${sshd.user}`));
  });

  it('reports a wrong key passphrase before connecting, without the passphrase', async () => {
    const logFrom = sshd.log().length;
    const wrongPassphrase = 'not-the-passphrase-42';
    const result = await collect({ credential: { type: 'ssh-key', username: sshd.user, privateKey: sshd.clientKey.private, passphrase: wrongPassphrase, sudo: false } });
    expect(result.problems).toEqual([{ stage: 'ssh', message: expect.stringMatching(/^the credential's private key cannot be used: /) }]);
    expect(result.ssh).toEqual({ authenticated: false });
    expect(JSON.stringify(result)).not.toContain(wrongPassphrase);
    expect(sshd.log().slice(logFrom)).not.toContain('Connection from');
  });

  it('reports wrong credentials clearly, with no secret in the result', async () => {
    const wrongPassword = 'Wr0ng-password-for-the-test';
    const result = await collect({ credential: passwordCredential({ password: wrongPassword }) });
    expect(result.problems).toEqual([{ stage: 'ssh', message: `authentication failed for user ${sshd.user} at ${LOOPBACK}:${sshd.port}` }]);
    expect(result.ssh.authenticated).toBe(false);
    expect(result.ssh.inventory).toBeUndefined();
    expect(result.ssh.hostKey?.fingerprint).toBe(sshd.hostKeyFingerprint);
    expect(JSON.stringify(result)).not.toContain(wrongPassword);
  });

  it('refuses a changed host key before authenticating: the password never leaves', async () => {
    const recordedKey = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const logFrom = sshd.log().length;
    const { ssh, problems } = await collect({ credential: passwordCredential(), expectedHostKey: recordedKey });

    expect(problems).toEqual([{ stage: 'host-key-mismatch', message: `${LOOPBACK}:${sshd.port} presented host key ${sshd.hostKeyFingerprint}, expected ${recordedKey}: not logging in` }]);
    expect(ssh).toEqual({ authenticated: false, hostKey: { algorithm: 'ssh-ed25519', fingerprint: sshd.hostKeyFingerprint } });
    const connectionLog = await sshdLogAfterDisconnect(logFrom);
    expect(connectionLog).toContain('Connection from 127.0.0.1');
    expect(connectionLog).not.toContain('userauth-request');
    expect(connectionLog).not.toMatch(/Failed password|Accepted password/);
  });

  it('reports a closed port as a refused connection', async () => {
    const probe = net.createServer();
    const closedPort = await listenOnLoopback(probe);
    await new Promise((resolve) => probe.close(resolve));
    const { ssh, problems } = await collect({ credential: passwordCredential(), port: closedPort });
    expect(problems).toEqual([{ stage: 'ssh', message: `SSH to ${LOOPBACK}:${closedPort} failed while connecting: connection refused (no SSH server listening on that port)` }]);
    expect(ssh).toEqual({ authenticated: false });
  });

  it.skipIf(!isSudoInstalled())('runs the inventory through sudo with the password on stdin', async () => {
    const { ssh, problems } = await collect({ credential: passwordCredential({ sudo: true }) });
    expect(problems).toEqual([]);
    expect(ssh.inventory!.packages.length).toBe(localDpkgPackages().length);
  });

  it.skipIf(!isSudoInstalled())('falls back to the plain account when sudo refuses, and says so', async () => {
    const wrongSudoPassword = 'wrong-sudo-password-99';
    const result = await collect({ credential: passwordCredential({ sudo: true, sudoPassword: wrongSudoPassword }) });
    expect(result.problems).toEqual([{ stage: 'ssh', message: expect.stringMatching(new RegExp(`^sudo was refused \\(.+\\); inventoried as ${sshd.user} without it$`)) }]);
    expect(result.ssh.inventory!.packages.length).toBe(localDpkgPackages().length);
    expect(JSON.stringify(result)).not.toContain(wrongSudoPassword);
  });
});

describe('SSH inventory against hosts that misbehave', () => {
  it('gives up on a server that accepts TCP but never speaks, within the budget', async () => {
    const silent = net.createServer(() => undefined);
    const port = await listenOnLoopback(silent);
    try {
      const started = Date.now();
      const { ssh, problems } = await collect({ credential: passwordCredential(), port, timeoutMs: 1_500 });
      expect(problems).toEqual([{ stage: 'timeout', message: `SSH to ${LOOPBACK}:${port} timed out after 1500 ms while connecting` }]);
      expect(ssh).toEqual({ authenticated: false });
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      silent.close();
    }
  });

  it('stops when the caller cancels', async () => {
    const silent = net.createServer(() => undefined);
    const port = await listenOnLoopback(silent);
    try {
      const { problems } = await collect({ credential: passwordCredential(), port, signal: AbortSignal.timeout(300) });
      expect(problems).toEqual([{ stage: 'ssh', message: `SSH to ${LOOPBACK}:${port} was cancelled while connecting` }]);
    } finally {
      silent.close();
    }
  });

  describe('a hostile SSH server (ssh2) that answers the inventory command', () => {
    let hostile: Ssh2Server;
    let port: number;
    /** What the next exec does with its channel. */
    let behaviour: 'flood' | 'drip';
    beforeAll(async () => {
      const hostKey = utils.generateKeyPairSync('ed25519').private;
      hostile = new Ssh2Server({ hostKeys: [hostKey] }, (connection) => {
        connection.on('error', () => undefined);
        connection.on('authentication', (context) => context.accept());
        connection.on('session', (accept) => {
          accept().on('exec', (acceptExec) => {
            const channel = acceptExec();
            channel.on('error', () => undefined);
            if (behaviour === 'flood') {
              // As fast as the client's window allows: the client, not this server, must set the limit.
              const chunk = Buffer.alloc(256 * 1024, 'x');
              const flood = () => {
                while (channel.writable && channel.write(chunk));
              };
              channel.on('drain', flood);
              flood();
            } else {
              const timer = setInterval(() => channel.writable && channel.write('#'), 100);
              channel.on('close', () => clearInterval(timer));
            }
          });
        });
      });
      port = await new Promise((resolve) => hostile.listen(0, LOOPBACK, () => resolve((hostile.address() as AddressInfo).port)));
    });
    afterAll(async () => {
      await new Promise((resolve) => hostile.close(resolve));
    });

    it(`stops reading a flood after ${MAX_INVENTORY_OUTPUT_BYTES / 1024 / 1024} MiB`, async () => {
      behaviour = 'flood';
      const { ssh, problems } = await collect({ credential: passwordCredential(), port, expectedHostKey: undefined, timeoutMs: 50_000 });
      expect(problems).toEqual([{ stage: 'inventory', message: 'the host sent more than 64 MiB of inventory output; stopped reading' }]);
      expect(ssh.authenticated).toBe(true);
      expect(ssh.rawOutput).toBeUndefined();
    });

    it('ends a drip at the deadline', async () => {
      behaviour = 'drip';
      const { ssh, problems } = await collect({ credential: passwordCredential(), port, expectedHostKey: undefined, timeoutMs: 1_500 });
      expect(problems).toEqual([{ stage: 'timeout', message: `SSH to ${LOOPBACK}:${port} timed out after 1500 ms while running the inventory` }]);
      expect(ssh.authenticated).toBe(true);
      expect(ssh.inventory).toBeUndefined();
    });
  });
});
