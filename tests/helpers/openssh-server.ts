import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * Debian's real OpenSSH server (`/usr/sbin/sshd`) on 127.0.0.1 and a free port, for the SSH scanning
 * tests (SPEC §5: no mock of it). Its host key, client key and configuration live in a temporary
 * directory removed by `stop()`.
 *
 * Password authentication needs a real account, so the first start creates, once for the machine, the
 * local account `vigil-scan-test` (shell /bin/sh) with a random password kept root-only in
 * /var/lib/vigil-scan-test/password. The server lets in that account only. `sudo: true` adds the
 * sudoers drop-in /etc/sudoers.d/vigil-scan-test (root, with the account's password). Needs root.
 */
export const TEST_ACCOUNT = 'vigil-scan-test';
const ACCOUNT_STATE_DIR = '/var/lib/vigil-scan-test';
const SUDOERS_DROP_IN = '/etc/sudoers.d/vigil-scan-test';
const SSHD = '/usr/sbin/sshd';
/** Enough for every test of a file; the log is there to be searched, not kept. */
const MAX_LOG_CHARS = 4 * 1024 * 1024;

export interface OpenSshServer {
  host: '127.0.0.1';
  port: number;
  /** The server's host key as OpenSSH's `ssh-keygen -l` prints it (`SHA256:…`). */
  hostKeyFingerprint: string;
  user: string;
  password: string;
  /** An Ed25519 key pair in OpenSSH format that the server accepts for `user`. */
  clientKey: { private: string; public: string; passphrase?: string };
  /** sshd's log so far (LogLevel DEBUG1): every authentication request shows as `userauth-request for user …`. */
  log(): string;
  stop(): Promise<void>;
}

export const isSudoInstalled = () => existsSync('/usr/bin/sudo') && existsSync('/etc/sudoers.d');

export async function startOpenSshServer(options: { clientKeyPassphrase?: string; sudo?: boolean } = {}): Promise<OpenSshServer> {
  if (process.getuid?.() !== 0) throw new Error('startOpenSshServer needs root: it runs sshd and creates a local test account');
  const password = ensureTestAccount();
  if (options.sudo) ensureSudoersDropIn();
  // sshd's privilege separation directory; Debian's service unit creates it, a container may not have it.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-sshd-'));
  try {
    // sshd reads authorized_keys as the account, so it must be able to reach its file here.
    chmodSync(dir, 0o711);
    const hostKeyFile = path.join(dir, 'host_ed25519_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'vigil-test-host', '-f', hostKeyFile]);
    const hostKeyFingerprint = /\b(SHA256:[A-Za-z0-9+/]+)/.exec(execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKeyFile}.pub`], { encoding: 'utf8' }))![1]!;

    const passphrase = options.clientKeyPassphrase ?? randomBytes(12).toString('base64url');
    const clientKeyFile = path.join(dir, 'client_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'vigil-test-client', '-f', clientKeyFile]);
    const clientKey = { private: readFileSync(clientKeyFile, 'utf8'), public: readFileSync(`${clientKeyFile}.pub`, 'utf8'), ...(passphrase ? { passphrase } : {}) };
    writeFileSync(path.join(dir, `${TEST_ACCOUNT}.authorized_keys`), clientKey.public, { mode: 0o644 });

    const server = await startSshd({ dir, hostKeyFile });
    return { host: '127.0.0.1', hostKeyFingerprint, user: TEST_ACCOUNT, password, clientKey, ...server };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Starts sshd on a free loopback port, trying another port when the one found was taken meanwhile. */
async function startSshd(options: { dir: string; hostKeyFile: string }): Promise<Pick<OpenSshServer, 'port' | 'log' | 'stop'>> {
  const { dir, hostKeyFile } = options;
  for (let attempt = 1; ; attempt++) {
    const port = await freeLoopbackPort();
    const configFile = path.join(dir, 'sshd_config');
    writeFileSync(
      configFile,
      [
        'ListenAddress 127.0.0.1',
        `Port ${port}`,
        `HostKey ${hostKeyFile}`,
        `PidFile ${path.join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${path.join(dir, '%u.authorized_keys')}`,
        `AllowUsers ${TEST_ACCOUNT}`,
        'PermitRootLogin no',
        'StrictModes no',
        // Without PAM sshd checks the password against /etc/shadow itself: no PAM stack to depend on.
        'UsePAM no',
        'PasswordAuthentication yes',
        'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes',
        'AllowTcpForwarding no',
        'X11Forwarding no',
        'PrintMotd no',
        'LogLevel DEBUG1',
        '',
      ].join('\n'),
    );
    let log = '';
    const sshd = spawn(SSHD, ['-D', '-e', '-f', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    sshd.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (log.length < MAX_LOG_CHARS) log += chunk;
    });
    const exited = new Promise<void>((resolve) => sshd.once('exit', () => resolve()));
    const listening = await new Promise<boolean>((resolve) => {
      const check = () => {
        if (log.includes(`Server listening on 127.0.0.1 port ${port}.`)) resolve(true);
      };
      sshd.stderr.on('data', check);
      void exited.then(() => resolve(false));
    });
    if (listening) {
      return {
        port,
        log: () => log,
        stop: async () => {
          if (sshd.exitCode === null && sshd.signalCode === null) {
            process.kill(sshd.pid!, 'SIGTERM');
            await exited;
          }
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    if (!log.includes('Address already in use') || attempt === 5) throw new Error(`sshd did not start:\n${log}`);
  }
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Creates the test account when missing and returns its password. Test files may start servers in
 * parallel processes, so the password is made once, published atomically, and (re)applied by everyone:
 * applying the same password twice is harmless.
 */
function ensureTestAccount(): string {
  const accountExists = () => {
    try {
      execFileSync('getent', ['passwd', TEST_ACCOUNT], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (!accountExists()) {
    try {
      execFileSync('useradd', ['--create-home', '--shell', '/bin/sh', '--comment', 'Vigil SSH scan tests', TEST_ACCOUNT], { stdio: 'pipe' });
    } catch (error) {
      // Another test process may have created it meanwhile.
      if (!accountExists()) throw error;
    }
  }
  mkdirSync(ACCOUNT_STATE_DIR, { recursive: true, mode: 0o700 });
  const passwordFile = path.join(ACCOUNT_STATE_DIR, 'password');
  if (!existsSync(passwordFile)) {
    const draft = `${passwordFile}.${process.pid}`;
    writeFileSync(draft, randomBytes(18).toString('base64url'), { mode: 0o600 });
    try {
      linkSync(draft, passwordFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      rmSync(draft, { force: true });
    }
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  execFileSync('chpasswd', { input: `${TEST_ACCOUNT}:${password}\n`, stdio: ['pipe', 'ignore', 'pipe'] });
  return password;
}

/** Lets the test account run anything as root after giving its password (never cached, so each test asks). */
function ensureSudoersDropIn(): void {
  if (!isSudoInstalled()) throw new Error('sudo is not installed: the sudo test needs the Debian package `sudo`');
  const content = `# Vigil SSH scan tests (tests/helpers/openssh-server.ts)\nDefaults:${TEST_ACCOUNT} timestamp_timeout=0\n${TEST_ACCOUNT} ALL=(root) ALL\n`;
  if (existsSync(SUDOERS_DROP_IN) && readFileSync(SUDOERS_DROP_IN, 'utf8') === content) return;
  // sudo ignores drop-ins whose name has a dot: the draft is inert until checked and renamed.
  const draft = `${SUDOERS_DROP_IN}.${process.pid}`;
  writeFileSync(draft, content, { mode: 0o440 });
  try {
    execFileSync('visudo', ['-c', '-q', '-f', draft], { stdio: 'pipe' });
    renameSync(draft, SUDOERS_DROP_IN);
  } finally {
    rmSync(draft, { force: true });
  }
}
