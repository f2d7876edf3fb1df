import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LAUNCHER } from '../../helpers/ferretdb';

/**
 * The launcher's garbage-collector settings (deploy/ferretdb/README.md): bad values are refused with one clear line
 * before anything starts; good ones are accepted (the effect on throughput is the findings bench's to show).
 */
const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-gc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const launch = (...args: string[]) => spawnSync(LAUNCHER, ['--sqlite-dir', path.join(dir, 'data'), ...args, '--help'], { encoding: 'utf8' });
const refuse = (...args: string[]) => spawnSync(LAUNCHER, ['--sqlite-dir', path.join(dir, 'data'), '--listen-addr', '127.0.0.1:0', ...args], { encoding: 'utf8', timeout: 10_000 });

describe('launcher garbage-collector settings', () => {
  it.each([
    [['--gc-percent', '0'], 'invalid --gc-percent 0'],
    [['--gc-percent', '-5'], 'invalid --gc-percent -5'],
    [['--memory-limit', 'lots'], 'invalid --memory-limit "lots"'],
    [['--memory-limit', '-1GiB'], 'invalid --memory-limit "-1GiB"'],
    [['--memory-limit', '99999999999GiB'], 'invalid --memory-limit "99999999999GiB"'],
  ])('refuses %j with one line', (args, message) => {
    const run = refuse(...args);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(message);
  });

  it('documents the settings in its help', () => {
    const help = launch();
    expect(help.stderr + help.stdout).toMatch(/--gc-percent[\s\S]*--memory-limit/);
  });
});
