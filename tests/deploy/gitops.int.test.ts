import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiTokens } from '../helpers/api-token';
import { PROJECT_ROOT } from '../helpers/cli';
import { freePort, startConsole, type RunningConsole } from '../helpers/console';
import { restRequest } from '../helpers/rest-client';
import { createAccount } from '../helpers/sign-in';
import { dropDatabase, testDatabaseUri } from '../helpers/test-db';

// GitOps reconciliation (ansible/README.md "GitOps") for real: the vigil-gitops tool the vigil_gitops role
// installs runs ansible-pull against a bare Git repository made here, with signing keys made here (ssh-keygen,
// gpg --batch; nothing is committed). The repository's playbook manages one file in a temp folder through the
// local connection, so a refused commit, an applied one and a hand edit (drift) can all be seen on disk. After each
// run the tool reports to a real console (`vigil start` on FerretDB, its internal CA verified) with an API token,
// and what the console then shows for the node is checked too.

const TOOL = path.join(PROJECT_ROOT, 'ansible/roles/vigil_gitops/files/usr/local/sbin/vigil-gitops');
const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-gitops-'));
const remote = path.join(dir, 'remote.git');
const work = path.join(dir, 'work');
const managed = path.join(dir, 'managed');
const stateDir = path.join(dir, 'state');
const gnupgHome = path.join(dir, 'gnupg');

const { uri } = testDatabaseUri();
let server: RunningConsole | undefined;
const tokenFile = path.join(dir, 'report-token');
const outbox = path.join(stateDir, 'outbox');

beforeAll(async () => {
  server = await startConsole({ mongodbUri: uri });
  const admin = await createAccount(server, { mongodbUri: uri });
  const [token] = await createApiTokens(server, admin, [{ name: 'gitops reports' }]);
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await dropDatabase(uri);
  rmSync(dir, { recursive: true, force: true });
});

function sh(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  return execFileSync(command, args, { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const gitEnv = {
  ...process.env,
  HOME: dir,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Ops',
  GIT_AUTHOR_EMAIL: 'ops@example.org',
  GIT_COMMITTER_NAME: 'Ops',
  GIT_COMMITTER_EMAIL: 'ops@example.org',
  GNUPGHOME: gnupgHome,
};
const git = (...args: string[]): string => sh('git', args, { cwd: work, env: gitEnv }).trim();

function sshKey(name: string): string {
  const file = path.join(dir, name);
  sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', file]);
  return file;
}

/** Commits the node's desired content and pushes it; `sign` picks the signature (or none). */
function commitRelease(motd: string, sign: { ssh: string } | { gpg: string } | 'unsigned', health: 'healthy' | 'unhealthy' = 'healthy'): string {
  writeFileSync(path.join(work, 'inventory/hosts.yml'), inventory(motd, health));
  git('add', '-A');
  const signing =
    sign === 'unsigned'
      ? ['--no-gpg-sign']
      : 'ssh' in sign
        ? ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${sign.ssh}`]
        : ['-c', 'gpg.format=openpgp', '-c', `user.signingkey=${sign.gpg}`];
  const [flags, sFlag] = sign === 'unsigned' ? [[], signing] : [signing, ['-S']];
  git(...flags, 'commit', '--quiet', ...sFlag, '-m', motd);
  git('push', '--quiet', 'origin', 'main');
  return git('rev-parse', 'HEAD');
}

function inventory(motd: string, health: 'healthy' | 'unhealthy'): string {
  return [
    'all:',
    '  hosts:',
    '    node-1:',
    '      ansible_python_interpreter: /usr/bin/python3',
    `      managed_dir: ${JSON.stringify(managed)}`,
    `      motd: ${JSON.stringify(motd)}`,
    `      healthy: ${health === 'healthy'}`,
    '',
  ].join('\n');
}

interface Run {
  code: number | null;
  stderr: string;
  stdout: string;
}

function gitops(command: string, config: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      HOME: dir,
      LANG: 'C.UTF-8',
      ANSIBLE_LOCAL_TEMP: path.join(dir, 'ansible-tmp'),
      ANSIBLE_REMOTE_TEMP: path.join(dir, 'ansible-tmp'),
      VIGIL_GITOPS_REPO_URL: `file://${remote}`,
      VIGIL_GITOPS_HOST: 'node-1',
      VIGIL_GITOPS_STATE_DIR: stateDir,
      VIGIL_GITOPS_INTERVAL: '15min',
      VIGIL_GITOPS_REPORT_URL: server!.url,
      VIGIL_GITOPS_REPORT_TOKEN_FILE: tokenFile,
      VIGIL_GITOPS_REPORT_CA: path.join(server!.dataDir, 'tls', 'ca.crt'),
      ...config,
    };
    const child = spawn('python3', [TOOL, command], { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface NodeStatus {
  intervalSeconds: number | null;
  stale: boolean;
  applied: { sha: string; subject: string | null; signer: string | null; fingerprint: string | null; committedAt: string | null } | null;
  reconcile: { result: string; commit: string | null; verification: string | null; changed: number | null; message: string | null } | null;
  drift: { state: string; commit: string | null; changedTasks: number; tasks: { play: string; task: string; diff: string }[] } | null;
  lastRun: { kind: string };
  recentRuns: { kind: string; reconcileResult: string | null }[];
}

/** What the console shows for node-1, read with the report token (an admin's, which may also read). */
async function reported(): Promise<NodeStatus> {
  const response = await restRequest(`${server!.url}/api/v1/deployment/status`, { headers: { authorization: `Bearer ${readFileSync(tokenFile, 'utf8').trim()}` } });
  expect(response.status, response.text).toBe(200);
  const node = (response.json as { items: (NodeStatus & { node: string })[] }).items.find((item) => item.node === 'node-1');
  expect(node, 'node-1 has reported').toBeDefined();
  return node!;
}

const motd = (): string => readFileSync(path.join(managed, 'motd'), 'utf8');
const status = (): { applied?: { commit: string }; last?: { result: string; commit: string; reason?: string } } =>
  JSON.parse(readFileSync(path.join(stateDir, 'status.json'), 'utf8'));

// The cluster repository: a playbook and an inventory, as ansible-pull expects them.
const opsKey = sshKey('ops');
const opsFingerprint = sh('ssh-keygen', ['-lf', `${opsKey}.pub`]).split(' ')[1]!;
const intruderKey = sshKey('intruder');
const allowedSigners = path.join(dir, 'allowed_signers');
writeFileSync(allowedSigners, `ops@example.org ${readFileSync(`${opsKey}.pub`, 'utf8')}`);
const sshConfig = { VIGIL_GITOPS_ALLOWED_SIGNERS: allowedSigners };
sh('git', ['init', '--quiet', '--bare', '--initial-branch=main', remote], { env: gitEnv });
sh('git', ['clone', '--quiet', remote, work], { env: gitEnv });
mkdirSync(path.join(work, 'inventory'));
mkdirSync(managed);
writeFileSync(
  path.join(work, 'site.yml'),
  [
    '---',
    '- name: Desired state of the node',
    '  hosts: all',
    '  gather_facts: false',
    '  tasks:',
    '    - name: Write the managed file',
    '      ansible.builtin.copy:',
    '        dest: "{{ managed_dir }}/motd"',
    '        content: "{{ motd }}\\n"',
    '        mode: "0644"',
    // What a role's health gate does when the console does not come back healthy: the run fails after a change.
    '    - name: Health gate',
    '      ansible.builtin.fail:',
    '        msg: the node is not healthy',
    '      when: not (healthy | bool)',
    '',
  ].join('\n'),
);
git('checkout', '--quiet', '-b', 'main');

describe('vigil-gitops (ansible-pull of signed commits)', () => {
  let first = '';
  let second = '';

  it('applies a commit signed by an allowed SSH key and records it', { timeout: 180_000 }, async () => {
    first = commitRelease('release one', { ssh: opsKey });
    const run = await gitops('reconcile', sshConfig);
    expect(run.code, run.stderr).toBe(0);
    expect(motd()).toBe('release one\n');
    expect(status().applied?.commit).toBe(first);
    expect(run.stderr).toMatch(new RegExp(`applied ${first} \\(Good "git" signature for ops@example.org`));
    expect(run.stderr).toContain(`report: sent 1 report(s) to ${server!.url}`);
    const node = await reported();
    expect(node).toMatchObject({
      intervalSeconds: 900,
      stale: false,
      lastRun: { kind: 'reconcile' },
      applied: { sha: first, subject: 'release one', signer: 'ops@example.org', fingerprint: opsFingerprint },
      reconcile: { result: 'applied', commit: first, verification: 'ok', changed: 1, message: null },
      drift: null,
    });
    expect(new Date(node.applied!.committedAt!).getTime()).not.toBeNaN();
  });

  it('reports no drift while the node matches the applied commit', { timeout: 180_000 }, async () => {
    const run = await gitops('drift', sshConfig);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(path.join(stateDir, 'drift.json'), 'utf8'));
    expect(report).toMatchObject({ commit: first, drift: false, changes: [], exitStatus: 0, error: null });
    expect(readFileSync(path.join(stateDir, 'drift.txt'), 'utf8')).toMatch(/^in sync: node-1 matches commit/);
    expect(await reported()).toMatchObject({ lastRun: { kind: 'drift' }, applied: { sha: first }, drift: { state: 'none', commit: first, changedTasks: 0, tasks: [] } });
  });

  it('refuses an unsigned commit, says why, and leaves the node as it is', { timeout: 180_000 }, async () => {
    const unsigned = commitRelease('unsigned release', 'unsigned');
    const run = await gitops('reconcile', sshConfig);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`refused commit ${unsigned}: it is not signed; the node keeps commit ${first}`);
    expect(motd()).toBe('release one\n');
    expect(status()).toMatchObject({ applied: { commit: first }, last: { result: 'refused', commit: unsigned } });
    expect(await reported()).toMatchObject({
      applied: { sha: first },
      reconcile: { result: 'refused', commit: unsigned, verification: 'unsigned', message: `refused commit ${unsigned}: it is not signed` },
    });
  });

  it('refuses a commit signed by a key that is not an allowed signer', { timeout: 180_000 }, async () => {
    const forged = commitRelease('forged release', { ssh: intruderKey });
    const run = await gitops('reconcile', sshConfig);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`refused commit ${forged}: its signature is not from an allowed signer`);
    expect(motd()).toBe('release one\n');
    expect(status().applied?.commit).toBe(first);
    expect(await reported()).toMatchObject({ applied: { sha: first }, reconcile: { result: 'refused', commit: forged, verification: 'untrusted' } });
  });

  it('reports drift after a hand edit of a managed file, with the diff, and changes nothing', { timeout: 180_000 }, async () => {
    writeFileSync(path.join(managed, 'motd'), 'edited by hand\n');
    const run = await gitops('drift', sshConfig);
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(readFileSync(path.join(stateDir, 'drift.json'), 'utf8'));
    expect(report).toMatchObject({ commit: first, host: 'node-1', drift: true, exitStatus: 1, error: null });
    expect(report.changes).toHaveLength(1);
    expect(report.changes[0].task).toBe('Write the managed file');
    expect(report.changes[0].diff).toContain('-edited by hand');
    expect(report.changes[0].diff).toContain('+release one');
    expect(readFileSync(path.join(stateDir, 'drift.txt'), 'utf8')).toMatch(/^DRIFT on node-1: 1 change\(s\) against commit/);
    expect(status()).toMatchObject({ drift: { drift: true, changes: 1, exitStatus: 1 } });
    expect(motd()).toBe('edited by hand\n');
    const node = await reported();
    expect(node.drift).toMatchObject({ state: 'drift', commit: first, changedTasks: 1, tasks: [{ play: 'Desired state of the node', task: 'Write the managed file' }] });
    expect(node.drift!.tasks[0]!.diff).toContain('-edited by hand');
  });

  it('applies the next signed commit on top of refused ones', { timeout: 180_000 }, async () => {
    const next = commitRelease('release two', { ssh: opsKey });
    const run = await gitops('reconcile', sshConfig);
    expect(run.code, run.stderr).toBe(0);
    expect(motd()).toBe('release two\n');
    expect(status()).toMatchObject({ applied: { commit: next }, last: { result: 'applied' } });
    expect(await reported()).toMatchObject({ applied: { sha: next, subject: 'release two' }, reconcile: { result: 'applied', changed: 1 } });
    second = next;
  });

  it('rolls back a signed commit whose run fails its health gate, then holds it until the branch moves on', { timeout: 180_000 }, async () => {
    const broken = commitRelease('release broken', { ssh: opsKey }, 'unhealthy');
    const run = await gitops('reconcile', sshConfig);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(`ansible-pull of ${broken} failed`);
    expect(run.stderr).toContain(`rolling back to ${second}`);
    expect(run.stderr).toContain(`rolled back to ${second}: commit ${broken} is held until the branch moves on`);
    // The broken release changed the file before its gate failed; the rollback put release two back.
    expect(readFileSync(path.join(stateDir, 'apply.log'), 'utf8')).toContain('the node is not healthy');
    expect(motd()).toBe('release two\n');
    expect(status()).toMatchObject({ applied: { commit: second }, last: { result: 'rolled-back', commit: broken } });
    const node = await reported();
    expect(node).toMatchObject({ applied: { sha: second, subject: 'release two' }, reconcile: { result: 'rolled-back', commit: broken, verification: 'ok', changed: 1 } });
    expect(node.reconcile!.message).toContain(`rolled back to ${second}`);

    // The next run does not apply the broken head again: it is held, and the node is checked for drift.
    const again = await gitops('reconcile', sshConfig);
    expect(again.code, again.stderr).toBe(2);
    expect(again.stderr).toContain(`commit ${broken} failed and was rolled back to ${second}`);
    expect(again.stderr).not.toContain(`applying ${broken}`);
    expect(motd()).toBe('release two\n');
    expect(status()).toMatchObject({ applied: { commit: second }, last: { result: 'held', commit: broken }, drift: { drift: false } });
    expect(await reported()).toMatchObject({ reconcile: { result: 'held', commit: broken }, drift: { state: 'none', commit: second } });
  });

  it('keeps the reports it cannot send, without failing the run, and sends them with the next one', { timeout: 180_000 }, async () => {
    // Nothing listens on this port: the console is unreachable.
    const unreachable = await gitops('drift', { ...sshConfig, VIGIL_GITOPS_REPORT_URL: `https://localhost:${await freePort()}` });
    expect(unreachable.code, unreachable.stderr).toBe(0);
    expect(unreachable.stderr).toMatch(/report not sent \(https:\/\/localhost:\d+\/api\/v1\/deployment\/reports: .*\); it is sent with the next run's/);
    // A token the console does not know.
    const wrongToken = path.join(dir, 'wrong-token');
    writeFileSync(wrongToken, 'vgl_NotAToken0000000000000000000000000000\n', { mode: 0o600 });
    const refused = await gitops('drift', { ...sshConfig, VIGIL_GITOPS_REPORT_TOKEN_FILE: wrongToken });
    expect(refused.code, refused.stderr).toBe(0);
    expect(refused.stderr).toContain('report not sent (HTTP 401 from');
    expect(refused.stderr).toContain('API token not recognised, expired or revoked');
    expect(readdirSync(outbox)).toHaveLength(2);

    const run = await gitops('drift', sshConfig);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('report: sent 3 report(s)');
    expect(readdirSync(outbox)).toHaveLength(0);
    const node = await reported();
    expect(node.recentRuns.slice(0, 4).map((item) => item.kind)).toEqual(['drift', 'drift', 'drift', 'reconcile']);
  });

  it('verifies OpenPGP signatures against the given public keys only', { timeout: 180_000 }, async () => {
    mkdirSync(gnupgHome, { mode: 0o700 });
    sh('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'Ops <ops@example.org>', 'ed25519', 'sign', 'never'], { env: gitEnv });
    const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(sh('gpg', ['--batch', '--with-colons', '--list-secret-keys'], { env: gitEnv }))![1]!;
    const publicKeys = path.join(dir, 'ops.asc');
    writeFileSync(publicKeys, sh('gpg', ['--batch', '--armor', '--export', fingerprint], { env: gitEnv }));

    const signed = commitRelease('release three', { gpg: fingerprint });
    // Only the SSH signers are allowed: the OpenPGP signature is refused...
    const refused = await gitops('reconcile', sshConfig);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`refused commit ${signed}: its signature is not from an allowed signer`);
    // ...and accepted once its public key is given.
    const run = await gitops('reconcile', { VIGIL_GITOPS_GPG_KEYS: publicKeys });
    expect(run.code, run.stderr).toBe(0);
    expect(motd()).toBe('release three\n');
    expect(run.stderr).toMatch(/Good signature from "Ops <ops@example.org>"/);
    expect(await reported()).toMatchObject({ applied: { sha: signed, subject: 'release three', signer: 'Ops <ops@example.org>', fingerprint } });
  });

  it('refuses to run without allowed signers, naming the settings', async () => {
    const run = await gitops('reconcile', {});
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('set VIGIL_GITOPS_ALLOWED_SIGNERS and/or VIGIL_GITOPS_GPG_KEYS');
    expect(status().applied?.commit).not.toBeUndefined();
  });
});
