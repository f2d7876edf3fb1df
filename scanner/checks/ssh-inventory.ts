import { Client, utils, type AuthMethod, type KeyboardInteractiveAuthMethod, type PasswordAuthMethod, type PublicKeyAuthMethod } from 'ssh2';
import { INVENTORY_SCRIPT, parseInventoryScriptOutput } from '../../server/inventory/inventory-script';
import type { HostProblem, JobCredential, SshResult } from '../protocol/v1/schemas';
import { sshHostKeyOf } from './ssh-host-key';

/** Equals the protocol's rawOutput bound; a host with 100k packages prints a few MB, so more is a flood. */
export const MAX_INVENTORY_OUTPUT_BYTES = 64 * 1024 * 1024;
/** A hostile host can make every dpkg line malformed; a host result holds at most 256 problems in all. */
const MAX_INVENTORY_PROBLEMS = 20;
/** sudo's and the shell's complaints are read for a one-line reason only. */
const MAX_STDERR_CHARS = 4096;

export interface CollectSshInventoryOptions {
  address: string;
  port?: number;
  credential: JobCredential;
  /** The host key recorded on first use (`SHA256:…`): any other key is refused before authenticating. */
  expectedHostKey?: string;
  /** Budget of the whole check: connection, authentication and every command. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface SshInventoryOutcome {
  ssh: SshResult;
  problems: HostProblem[];
}

/** A failure whose stage and message are already fit for the host result. */
class SshCheckProblem extends Error {
  constructor(
    readonly stage: string,
    message: string,
  ) {
    super(message);
  }
}

/** The deadline passed or the caller cancelled. */
class Interrupted extends Error {
  constructor(readonly reason: 'timeout' | 'cancelled') {
    super(reason);
  }
}

interface CommandRun {
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

const shellQuoted = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;
const lastLineOf = (text: string) => text.trim().split('\n').pop()?.trim().slice(0, 300) ?? '';

/** The script as one `sh -c` command: it then runs the same under any POSIX login shell, and under sudo. */
const INVENTORY_COMMAND = `sh -c ${shellQuoted(`LC_ALL=C; export LC_ALL\n${INVENTORY_SCRIPT}`)}`;
/** `-S` reads the password from stdin, `-p ''` keeps the prompt out of the output. */
const SUDO_INVENTORY_COMMAND = `sudo -S -p '' ${INVENTORY_COMMAND}`;

/**
 * Logs in to a host over SSH and inventories it with the same script `vigil inventory --local` runs,
 * plus its listening TCP ports. Never throws: whatever goes wrong (refused connection, changed host key,
 * wrong credentials, a host that stalls or floods) is returned as a problem, with no secret in it.
 */
export async function collectSshInventory(options: CollectSshInventoryOptions): Promise<SshInventoryOutcome> {
  const { address, port = 22, credential, expectedHostKey, timeoutMs, signal } = options;
  const target = `${address}:${port}`;
  const ssh: SshResult = { authenticated: false };
  const problems: HostProblem[] = [];
  const report = (stage: string, message: string) => problems.push({ stage, message: withoutSecrets({ message, credential }).slice(0, 1024) });

  let authentication: AuthMethod[];
  try {
    authentication = authenticationMethodsOf(credential);
  } catch (error) {
    report('ssh', (error as Error).message);
    return { ssh, problems };
  }

  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(new Interrupted('timeout')), timeoutMs);
  const cancel = () => stop.abort(new Interrupted('cancelled'));
  if (signal?.aborted) cancel();
  signal?.addEventListener('abort', cancel, { once: true });

  const client = new Client();
  let phase = 'connecting';
  let refusedHostKey = false;
  const interruption = interruptionOf({ client, stop: stop.signal });
  const step = <T>(work: Promise<T>) => Promise.race([work, interruption]);
  try {
    const ready = new Promise<void>((resolve) => client.once('ready', resolve));
    client.connect({
      host: address,
      port,
      username: credential.username,
      authHandler: authentication,
      // Our own deadline covers the whole check; ssh2's handshake timer must not race it.
      readyTimeout: timeoutMs + 60_000,
      hostVerifier: (keyBlob: Buffer) => {
        // Called during key exchange, before any authentication request leaves this process.
        ssh.hostKey = sshHostKeyOf(keyBlob);
        refusedHostKey = expectedHostKey !== undefined && ssh.hostKey.fingerprint !== expectedHostKey;
        return !refusedHostKey;
      },
    });
    await step(ready);
    ssh.authenticated = true;

    phase = 'running the inventory';
    let run: CommandRun | undefined;
    if (credential.sudo) {
      const sudoPassword = credential.sudoPassword ?? credential.password;
      const sudoRun = await step(runCommand({ client, command: SUDO_INVENTORY_COMMAND, stdin: sudoPassword === undefined ? '' : `${sudoPassword}\n` }));
      // sudo prints nothing on stdout when it refuses (a chatty login script may, hence the marker search).
      if (/^### hostname$/m.test(sudoRun.stdout)) run = sudoRun;
      else report('ssh', `sudo was refused (${lastLineOf(sudoRun.stderr) || `exit code ${sudoRun.exitCode}`}); inventoried as ${credential.username} without it`);
    }
    run ??= await step(runCommand({ client, command: INVENTORY_COMMAND, stdin: '' }));

    ssh.rawOutput = run.stdout;
    const parsed = parseInventoryScriptOutput(run.stdout, address);
    if (run.exitCode !== 0) report('inventory', `the inventory script exited with ${run.exitCode === null ? 'no exit code' : `code ${run.exitCode}`}${run.stderr.trim() ? `: ${lastLineOf(run.stderr)}` : ''}`);
    for (const problem of parsed.problems.slice(0, MAX_INVENTORY_PROBLEMS)) report('inventory', `${problem.at}: ${problem.message}`);
    if (parsed.problems.length > MAX_INVENTORY_PROBLEMS) report('inventory', `… and ${parsed.problems.length - MAX_INVENTORY_PROBLEMS} more unreadable lines`);
    // A cut-short inventory would make the packages it misses look removed: only a complete one is returned.
    if (/^### end$/m.test(run.stdout)) {
      ssh.inventory = parsed.inventory;
      ssh.listening = parsed.listening;
    }
  } catch (error) {
    const problem = problemOf({ error, target, username: credential.username, phase, timeoutMs, refusedHostKey, hostKey: ssh.hostKey?.fingerprint, expectedHostKey });
    report(problem.stage, problem.message);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', cancel);
    client.destroy();
  }
  return { ssh, problems };
}

/** The authentication attempts this credential allows, in order; a key that does not open is reported before connecting. */
function authenticationMethodsOf(credential: JobCredential): AuthMethod[] {
  const { username, password } = credential;
  if (credential.type === 'ssh-password') {
    if (password === undefined) throw new Error('the credential has no password');
    const passwordMethod: PasswordAuthMethod = { type: 'password', username, password };
    // Hosts that leave passwords to PAM ask for them as a keyboard-interactive prompt (one that does not echo).
    const pamPrompt: KeyboardInteractiveAuthMethod = { type: 'keyboard-interactive', username, prompt: (_name, _instructions, _language, prompts, finish) => finish(prompts.map((prompt) => (prompt.echo ? '' : password))) };
    return [passwordMethod, pamPrompt];
  }
  if (credential.privateKey === undefined) throw new Error('the credential has no private key');
  // Parsed once here: decrypting an OpenSSH key runs bcrypt, which is slow on purpose.
  const key = utils.parseKey(credential.privateKey, credential.passphrase);
  if (key instanceof Error) throw new Error(`the credential's private key cannot be used: ${key.message}`);
  const publicKeyMethod: PublicKeyAuthMethod = { type: 'publickey', username, key };
  return [publicKeyMethod];
}

/** Rejects when the deadline passes, the caller cancels or the connection fails: every step races it. */
function interruptionOf(options: { client: Client; stop: AbortSignal }): Promise<never> {
  const { client, stop } = options;
  const interruption = new Promise<never>((_resolve, reject) => {
    if (stop.aborted) reject(stop.reason);
    stop.addEventListener('abort', () => reject(stop.reason), { once: true });
    client.on('error', reject);
    client.on('close', () => reject(new Error('the server closed the connection')));
  });
  // Nobody may be racing it when it fires (e.g. during clean-up); that is not an unhandled failure.
  interruption.catch(() => undefined);
  return interruption;
}

/** Runs one command, feeding it `stdin`, and reads at most MAX_INVENTORY_OUTPUT_BYTES of its output. */
function runCommand(options: { client: Client; command: string; stdin: string }): Promise<CommandRun> {
  const { client, command, stdin } = options;
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => {
      if (error) return reject(error);
      const chunks: Buffer[] = [];
      let size = 0;
      let stderr = '';
      let exitCode: number | null = null;
      channel.on('data', (chunk: Buffer) => {
        if (size > MAX_INVENTORY_OUTPUT_BYTES) return;
        size += chunk.length;
        if (size <= MAX_INVENTORY_OUTPUT_BYTES) return void chunks.push(chunk);
        chunks.length = 0;
        channel.destroy();
        reject(new SshCheckProblem('inventory', `the host sent more than ${MAX_INVENTORY_OUTPUT_BYTES / 1024 / 1024} MiB of inventory output; stopped reading`));
      });
      channel.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < MAX_STDERR_CHARS) stderr += chunk.toString('utf8').slice(0, MAX_STDERR_CHARS - stderr.length);
      });
      channel.on('exit', (code: number | null) => {
        exitCode = typeof code === 'number' ? code : null;
      });
      channel.on('close', () => resolve({ stdout: Buffer.concat(chunks).toString('utf8'), stderr, exitCode }));
      channel.end(stdin);
    });
  });
}

function problemOf(options: {
  error: unknown;
  target: string;
  username: string;
  phase: string;
  timeoutMs: number;
  refusedHostKey: boolean;
  hostKey: string | undefined;
  expectedHostKey: string | undefined;
}): HostProblem {
  const { error, target, username, phase, timeoutMs, refusedHostKey, hostKey, expectedHostKey } = options;
  if (refusedHostKey) return { stage: 'host-key-mismatch', message: `${target} presented host key ${hostKey}, expected ${expectedHostKey}: not logging in` };
  if (error instanceof SshCheckProblem) return { stage: error.stage, message: error.message };
  if (error instanceof Interrupted) {
    return error.reason === 'timeout' ? { stage: 'timeout', message: `SSH to ${target} timed out after ${timeoutMs} ms while ${phase}` } : { stage: 'ssh', message: `SSH to ${target} was cancelled while ${phase}` };
  }
  const { code, level, message } = error as Error & { code?: string; level?: string };
  if (level === 'client-authentication') return { stage: 'ssh', message: `authentication failed for user ${username} at ${target}` };
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'connection refused (no SSH server listening on that port)',
    ECONNRESET: 'connection reset by the server',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    ENOTFOUND: 'host name not found',
    EAI_AGAIN: 'host name could not be resolved',
  };
  return { stage: 'ssh', message: `SSH to ${target} failed while ${phase}: ${(code && reasons[code]) || message}` };
}

/** Defence in depth: library messages should never carry a secret, and if one ever does it is masked. */
function withoutSecrets(options: { message: string; credential: JobCredential }): string {
  const { credential } = options;
  // Very short secrets would mask ordinary words; no library message repeats a secret anyway.
  const secrets = [credential.password, credential.passphrase, credential.sudoPassword].filter((secret): secret is string => !!secret && secret.length >= 4);
  return secrets.reduce((message, secret) => message.replaceAll(secret, '***'), options.message);
}
