import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareRpmVersions } from '../../../../server/detection/versions/rpm';
import { fixture } from '../../../helpers/fixtures';
import { pickFrom, seededRandom } from './version-test-helpers';

/**
 * Cross-check against `rpm.labelCompare` of Debian's python3-rpm (rpm 4.18), one python3 process for all pairs;
 * rpm's own `rpm.ver` splits each EVR, so our parser is not reused on that side.
 */

const PAIRS = 30_000;
// Debian's interpreter: python3-rpm installs there, not into other python3s on the PATH.
const PYTHON = '/usr/bin/python3';
const LABEL_COMPARE = `
import sys, rpm
out = []
for line in sys.stdin:
    a, b = line.rstrip('\\n').split('\\t')
    x, y = rpm.ver(a), rpm.ver(b)
    out.append(str(rpm.labelCompare((x.e, x.v, x.r), (y.e, y.v, y.r))))
print('\\n'.join(out))
`;

/** EVRs of AlmaLinux 9 advisories (OSV fixtures). */
function realEvrs(): string[] {
  const dir = fixture('osv', 'almalinux', 'advisories');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.json'));
  const text = files.map((file) => readFileSync(path.join(dir, file), 'utf8')).join('\n');
  return [...new Set([...text.matchAll(/"(?:introduced|fixed|last_affected)":\s*"([^"]+)"/g)].map((m) => m[1]!))];
}

/** Random EVRs over rpm's separators, ~ and ^, some of them variants of real ones. */
function generatedEvr(random: () => number, real: string[]): string {
  const segment = () => pickFrom(random, ['0', '1', '2', '10', '01', '007', 'a', 'b', 'rc', 'git', 'el9', 'alma', 'p1', 'Z']);
  const separator = () => pickFrom(random, ['.', '.', '.', '_', '+', '~', '^', '']);
  const part = () => {
    let text = pickFrom(random, ['0', '1', '2', '3', '10', 'a']);
    for (let i = Math.floor(random() * 5); i > 0; i--) text += separator() + segment();
    return text;
  };
  if (random() < 0.3) {
    const base = pickFrom(random, real);
    return pickFrom(random, [`${base}${separator()}${segment()}`, `${base}~${segment()}`, `${base}^${segment()}`, base.replace(/[0-9]+/, (n) => `0${n}`)]);
  }
  const epoch = random() < 0.2 ? `${pickFrom(random, ['0', '1', '2', '00'])}:` : '';
  const release = random() < 0.7 ? `-${part()}` : '';
  return `${epoch}${part()}${release}`;
}

describe('compareRpmVersions against rpm.labelCompare', () => {
  it('agrees on AlmaLinux EVRs and generated EVRs with ~ and ^', () => {
    const random = seededRandom(3);
    const real = realEvrs();
    expect(real.length).toBeGreaterThan(30);
    const pairs: [string, string][] = [];
    for (const a of real) for (const b of real) pairs.push([a, b]);
    while (pairs.length < PAIRS) {
      const a = generatedEvr(random, real);
      // Most pairs differ by one small edit or are spelled differently, where ordering mistakes hide.
      const edits = [
        () => generatedEvr(random, real),
        () => `${a}${pickFrom(random, ['~1', '^1', '.0', '_0', '1', 'a', '~', '^'])}`,
        () => a.replace(/[._+]/, pickFrom(random, ['.', '_', '+', '..'])),
        () => a.replace(/[0-9]+/, (n) => `0${n}`),
        () => (a.includes(':') ? a.replace(/^[0-9]+:/, '') : `0:${a}`),
      ];
      const b = pickFrom(random, edits)();
      pairs.push([a, b]);
    }

    const started = Date.now();
    const run = spawnSync(PYTHON, ['-c', LABEL_COMPARE], { input: `${pairs.map((pair) => pair.join('\t')).join('\n')}\n`, encoding: 'utf8', maxBuffer: 1 << 26 });
    expect(run.status, run.stderr).toBe(0);
    const theirs = run.stdout.trim().split('\n').map(Number);
    expect(theirs).toHaveLength(pairs.length);

    const disagreements = pairs.flatMap(([a, b], i) => {
      const ours = compareRpmVersions(a, b);
      return ours === theirs[i] ? [] : [`${a} vs ${b}: ours ${ours}, rpm ${theirs[i]}`];
    });
    expect(disagreements.slice(0, 10)).toEqual([]);
    const orders = [-1, 0, 1].map((order) => theirs.filter((result) => result === order).length);
    console.info(`rpm cross-check: ${pairs.length} pairs (${real.length} real EVRs), lt/eq/gt ${orders.join('/')}, rpm took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 120_000);
});
