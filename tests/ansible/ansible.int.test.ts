import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/cli';

// The Ansible roles and playbooks (ansible/README.md "Tests"): ansible-lint with the production profile,
// --syntax-check of every playbook against each inventory, and a --check run of site.yml on this machine
// through the local connection (tests/check-local: nothing is written, started or downloaded).
// Debian's ansible, ansible-lint and yamllint packages must be installed (scripts/setup.sh).

const ANSIBLE_DIR = path.join(PROJECT_ROOT, 'ansible');
const PLAYBOOKS = ['site.yml', 'upgrade.yml', 'backup.yml', 'restore.yml'];
const INVENTORIES = ['inventories/appliance', 'inventories/cluster'];
const tempDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-ansible-'));

afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  output: string;
}

/** Runs a command in ansible/ with a private temp dir; stdout and stderr come back interleaved. */
function run(command: string, args: string[], extraEnv: Record<string, string> = {}, timeoutMs = 590_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LANG: 'C.UTF-8',
      ANSIBLE_CONFIG: path.join(ANSIBLE_DIR, 'ansible.cfg'),
      ANSIBLE_LOCAL_TEMP: path.join(tempDir, 'local'),
      ANSIBLE_REMOTE_TEMP: path.join(tempDir, 'remote'),
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_FORCE_COLOR: '0',
      NO_COLOR: '1',
      ...extraEnv,
    };
    const child = spawn(command, args, { cwd: ANSIBLE_DIR, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === 'ENOENT' ? new Error(`${command} is not installed: run scripts/setup.sh (Debian packages ansible, ansible-lint)`) : error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** The check run's last words: the PLAY RECAP line of the host. */
function recap(output: string): Record<string, number> {
  const line = output.split('\n').find((l) => /^localhost\s+:\s+ok=/.test(l)) ?? '';
  return Object.fromEntries([...line.matchAll(/(\w+)=(\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
}

// Started together: the three jobs are independent and mostly wait on Python start-up.
const lint = run('ansible-lint', ['--nocolor', '--offline']);
const syntax = Promise.all(INVENTORIES.map((inventory) => run('ansible-playbook', ['-i', inventory, '--syntax-check', ...PLAYBOOKS])));
const check = run('ansible-playbook', ['-i', 'tests/check-local', 'site.yml', '--check', '--diff'], {
  // Containers run without systemd as PID 1: systemctl then works on unit files only.
  SYSTEMD_OFFLINE: '1',
  ANSIBLE_GATHERING: 'smart',
  ANSIBLE_GATHER_SUBSET: 'min',
  ANSIBLE_PIPELINING: 'true',
});
// Keep an unhandled rejection from surfacing before the test that awaits it.
for (const job of [lint, syntax, check]) job.catch(() => undefined);

describe('ansible/', () => {
  it('passes ansible-lint with the production profile', { timeout: 600_000 }, async () => {
    const result = await lint;
    expect(result.output, result.output).toMatch(/Passed with production profile: 0 failure\(s\), 0 warning\(s\)/);
    expect(result.code, result.output).toBe(0);
  });

  it('has playbooks that pass --syntax-check against both inventories', { timeout: 600_000 }, async () => {
    const results = await syntax;
    for (const [index, result] of results.entries()) {
      expect(result.code, `${INVENTORIES[index]}:\n${result.output}`).toBe(0);
      expect(result.output).not.toMatch(/ERROR!|\[WARNING\]: Could not match supplied host pattern/);
    }
  });

  it('runs site.yml in check mode on this machine without a failure and without writing', { timeout: 600_000 }, async () => {
    const result = await check;
    expect(result.code, result.output).toBe(0);
    const counts = recap(result.output);
    expect(counts, result.output).toMatchObject({ failed: 0, unreachable: 0 });
    // Check mode really ran the roles (MongoDB, console with its release, load balancer)...
    expect(counts.ok ?? 0).toBeGreaterThan(30);
    expect(result.output).toMatch(/TASK \[vigil_mongodb : Add MongoDB's repository, trusted with that key only\]/);
    expect(result.output).toMatch(/TASK \[vigil_console : Install the console's systemd unit\]/);
    // ...and left nothing behind.
    for (const file of ['/etc/systemd/system/vigil-console.service', '/etc/apt/sources.list.d/mongodb-org-7.0.sources', '/etc/vigil']) {
      expect(existsSync(file), `${file} must not exist after a check run`).toBe(false);
    }
  });
});
