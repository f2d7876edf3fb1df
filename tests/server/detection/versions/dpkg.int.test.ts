import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareDpkgVersions } from '../../../../server/detection/versions/dpkg';
import { fixture } from '../../../helpers/fixtures';
import { pickFrom, seededRandom } from './version-test-helpers';

/**
 * Cross-check against the real `dpkg --compare-versions`. dpkg compares one pair per process, so the versions are
 * sorted with our comparer and dpkg confirms each neighbouring relation (< or =): as dpkg's order is a total
 * preorder, that fixes its verdict on every pair of the list, which sampled pairs then hold our comparer to.
 */

const REAL_SAMPLE = 1500;
const GENERATED = 1000;
const SAMPLED_PAIRS = 200_000;

function realVersions(): string[] {
  const installed = execFileSync('dpkg-query', ['-W', '-f=${Version}\\n'], { encoding: 'utf8' }).split('\n');
  const debianOval = execFileSync('bzcat', [fixture('debian', 'oval-definitions-bookworm.subset.xml.bz2')], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const ubuntuOval = readFileSync(fixture('ubuntu', 'com.ubuntu.jammy.usn.oval.subset.xml'), 'utf8');
  const tracker = ['DSA', 'DLA'].map((list) => readFileSync(fixture('debian', 'tracker-raw', `${list}-list.subset`), 'utf8')).join('\n');
  return [
    ...installed,
    ...[...debianOval.matchAll(/<evr [^>]*>([^<]*)<\/evr>/g)].map((m) => m[1]!),
    ...[...ubuntuOval.matchAll(/<linux:evr [^>]*>([^<]*)<\/linux:evr>/g)].map((m) => m[1]!),
    ...[...tracker.matchAll(/^\t\[[a-z-]+\] - \S+ ([0-9]\S*)$/gm)].map((m) => m[1]!),
  ].filter((version) => version !== '');
}

/** Variants of real versions that land next to them (tilde, plus, epochs, zero padding), and random ones. */
function generatedVersions(seeds: string[], count: number): string[] {
  const random = seededRandom(5);
  const piece = () => pickFrom(random, ['0', '1', '2', '9', '10', '01', '00', 'a', 'b', 'z', 'rc1', 'dfsg', 'git2023']);
  const separator = () => pickFrom(random, ['.', '.', '+', '~', '~~', '-']);
  const variants: ((v: string) => string)[] = [
    (v) => `${v}~${piece()}`,
    (v) => `${v}+${piece()}`,
    (v) => `${v}~`,
    (v) => `${v}.0`,
    (v) => (v.includes(':') ? v : `0:${v}`),
    (v) => (v.includes(':') ? v.replace(/^[0-9]+:/, (e) => `${Number.parseInt(e, 10) + 1}:`) : `1:${v}`),
    (v) => v.replace(/[0-9]+/, (n) => `0${n}`),
    (v) => v.replace(/[0-9]+$/, (n) => String(Number(n) + 1)),
    (v) => (v.includes('-') ? v.replace(/-([^-]*)$/, '~1-$1') : `${v}-0`),
    (v) => (v.includes('-') ? `${v}+b${piece()}` : `${v}-${piece()}`),
  ];
  const randomVersion = () => {
    const epoch = random() < 0.2 ? `${Math.floor(random() * 3)}:` : '';
    let upstream = String(Math.floor(random() * 3));
    for (let i = Math.floor(random() * 5); i > 0; i--) upstream += separator().replace('-', '.') + piece();
    const revision = random() < 0.6 ? `-${piece()}${random() < 0.3 ? `${separator().replace('-', '+')}${piece()}` : ''}` : '';
    return `${epoch}${upstream}${revision}`;
  };
  return Array.from({ length: count }, () => (random() < 0.7 ? pickFrom(random, variants)(pickFrom(random, seeds)) : randomVersion()));
}

function isReadable(version: string): boolean {
  try {
    compareDpkgVersions(version, version);
    return true;
  } catch {
    return false;
  }
}

describe('compareDpkgVersions against dpkg --compare-versions', () => {
  it('agrees on installed, Debian/Ubuntu security data and generated versions', () => {
    const random = seededRandom(1);
    const real = [...new Set(realVersions())];
    const sample = real.length <= REAL_SAMPLE ? real : real.filter(() => random() < REAL_SAMPLE / real.length);
    const versions = [...new Set([...sample, ...generatedVersions(sample, GENERATED)])].filter(isReadable);
    expect(versions.length).toBeGreaterThan(2000);

    versions.sort(compareDpkgVersions);
    const relations = versions.slice(1).map((version, i) => (compareDpkgVersions(versions[i]!, version) === 0 ? 'eq' : 'lt'));

    // xargs runs `dpkg --compare-versions A OP B` per line, two at a time; its status is 123 if any failed.
    const lines = relations.map((op, i) => `${versions[i]} ${op} ${versions[i + 1]}`);
    const started = Date.now();
    const run = spawnSync('xargs', ['-P', '2', '-n', '3', 'dpkg', '--compare-versions'], {
      input: `${lines.join('\n')}\n`,
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'C' }, // no locale files to load, thousands of times
    });
    const dpkgSeconds = (Date.now() - started) / 1000;
    if (run.status !== 0) {
      const disagreements = lines.filter((line) => spawnSync('dpkg', ['--compare-versions', ...line.split(' ')]).status !== 0);
      expect(disagreements, `dpkg disagrees (xargs status ${run.status}, ${run.stderr})`).toEqual([]);
    }

    // Our verdict on any two versions of the sorted list must follow from the neighbouring ones, as dpkg's does.
    const strictSteps = [0];
    for (const op of relations) strictSteps.push(strictSteps.at(-1)! + (op === 'lt' ? 1 : 0));
    const inconsistent: string[] = [];
    for (let n = 0; n < SAMPLED_PAIRS; n++) {
      const i = Math.floor(random() * versions.length);
      const j = Math.floor(random() * versions.length);
      const expected = Math.sign(strictSteps[i]! - strictSteps[j]!);
      if (compareDpkgVersions(versions[i]!, versions[j]!) !== expected) inconsistent.push(`${versions[i]} vs ${versions[j]}`);
    }
    expect(inconsistent.slice(0, 10)).toEqual([]);

    console.info(
      `dpkg cross-check: ${versions.length} versions (${sample.length} real of ${real.length}), ${lines.length} neighbouring pairs ` +
        `confirmed by dpkg in ${dpkgSeconds.toFixed(1)} s (${relations.filter((op) => op === 'eq').length} equal), ` +
        `${SAMPLED_PAIRS} sampled pairs consistent`,
    );
  }, 180_000);
});
