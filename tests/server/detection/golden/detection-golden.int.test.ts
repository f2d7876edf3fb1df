import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { detect, type DetectionResult } from '../../../../server/detection/detect';
import type { AffectedEntry } from '../../../../server/detection/detection-types';
import type { Inventory } from '../../../../server/inventory/inventory.schema';
import { readInventory } from '../../../../server/inventory/read-inventory';
import { PROJECT_ROOT } from '../../../helpers/cli';
import type { DetectionRecord } from '../../../../server/detection/detection-types';
import { dpkgLessThan, loadFixtureKbInMemory } from './fixture-kb';

/**
 * Whole detection runs on inventories made from real package lists (this build host's Debian 12, pruned; Alpine
 * 3.20 and Ubuntu 22.04 lists built from the fixture data's own package names and versions — see
 * tests/fixtures/detection/README.md) against the real fixture KB, compared with checked-in expectations
 * (UPDATE_GOLDEN=1 rewrites them), and checked independently against `dpkg --compare-versions`.
 */

let kb: { records: DetectionRecord[] };
const FIXTURES = path.join(PROJECT_ROOT, 'tests', 'fixtures', 'detection');
const results = new Map<string, { inventory: Inventory; result: DetectionResult }>();

function loadInventory(name: string): Inventory {
  const { inventory, problems } = readInventory(JSON.parse(readFileSync(path.join(FIXTURES, `${name}.inventory.json`), 'utf8')), name);
  expect(problems).toEqual([]);
  return inventory;
}

/** The golden form: everything but the Vigil id (assigned in import order). */
const golden = (result: DetectionResult) => ({ findings: result.findings.map(({ vglId: _vglId, ...rest }) => rest), problems: result.problems });

beforeAll(async () => {
  const loaded = await loadFixtureKbInMemory();
  kb = loaded;
  for (const name of ['debian12-host', 'alpine320', 'ubuntu2204']) {
    const inventory = loadInventory(name);
    results.set(name, { inventory, result: await detect({ inventory, lookup: loaded.lookup }) });
  }
}, 60_000);

describe.each(['debian12-host', 'alpine320', 'ubuntu2204'])('golden detection run: %s', (name) => {
  it('equals the checked-in expectation', () => {
    const file = path.join(FIXTURES, `${name}.expected.json`);
    const actual = golden(results.get(name)!.result);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, `${JSON.stringify(actual, null, 1)}\n`);
    expect(actual).toEqual(JSON.parse(readFileSync(file, 'utf8')));
  });

  it('gives every finding its evidence (SPEC §4)', () => {
    const { findings } = results.get(name)!.result;
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect(f.installedVersion).toBeTruthy();
      expect(f.fixedVersion !== null || f.unfixed).toBe(true);
      expect(f.source).toBeTruthy();
      expect(f.rule).toBeTruthy();
      expect(['confirmed', 'potential']).toContain(f.confidence);
      expect(f.confidence).toBe(f.ecosystem === 'cpe' ? 'potential' : 'confirmed');
    }
  });
});

/** The distro's own verdicts, computed independently of the engine: dpkg judges the versions. */
async function independentDebVerdicts(inventory: Inventory, distro: 'debian' | 'ubuntu', release: string) {
  const packages = inventory.packages.filter((p) => p.ecosystem === 'deb');
  const names = [...new Set(packages.flatMap((p) => [p.name, p.source ?? p.name]))];
  const wanted = new Set(names.map((n) => `deb:${n}`));
  const records = kb.records.filter((r) => r.affectedPackages.some((k) => wanted.has(k)));
  const candidates: { vulnId: string; binary: string; installed: string; entry: AffectedEntry }[] = [];
  for (const record of records) {
    for (const entry of record.affected as AffectedEntry[]) {
      if (entry.distro !== distro || entry.release !== release || entry.source === 'osv' || entry.source === 'debian-tracker') continue;
      for (const p of packages) {
        const bySource = entry.sourcePackage !== false;
        if (entry.package !== (bySource ? (p.source ?? p.name) : p.name)) continue;
        candidates.push({ vulnId: record._id, binary: p.name, installed: bySource ? (p.sourceVersion ?? p.version) : p.version, entry });
      }
    }
  }
  const fixed = candidates.filter((c) => c.entry.status === 'fixed' && c.entry.fixedVersion !== '0');
  const lt = dpkgLessThan(fixed.map((c) => [c.installed, c.entry.fixedVersion!]));
  return {
    vulnerable: new Set(fixed.filter((_, i) => lt[i]).map((c) => `${c.vulnId} ${c.binary}`)),
    notVulnerable: new Set(fixed.filter((_, i) => !lt[i]).map((c) => `${c.vulnId} ${c.binary}`)),
    notAffected: new Set(candidates.filter((c) => c.entry.status === 'not-affected' || c.entry.fixedVersion === '0').map((c) => `${c.vulnId} ${c.binary}`)),
  };
}

describe.each([
  ['debian12-host', 'debian', 'bookworm'],
  ['ubuntu2204', 'ubuntu', 'jammy'],
] as const)('%s: the findings equal the distro data judged by dpkg --compare-versions', (name, distro, release) => {
  it('every finding: installed < fixed by dpkg; every vulnerable (vuln, package) by dpkg is a finding; no finding for not-affected', async () => {
    const { inventory, result } = results.get(name)!;
    const debFindings = result.findings.filter((f) => f.ecosystem === 'deb');
    const fixedOnes = debFindings.filter((f) => f.fixedVersion !== null);
    const installedOf = (f: (typeof debFindings)[number]) => {
      const p = inventory.packages.find((x) => x.name === f.package && x.ecosystem === 'deb')!;
      return f.rule.includes(` ${p.source ?? p.name} `) && distro === 'debian' ? (p.sourceVersion ?? p.version) : p.version;
    };
    expect(dpkgLessThan(fixedOnes.map((f) => [installedOf(f), f.fixedVersion!])).every(Boolean)).toBe(true);

    const verdicts = await independentDebVerdicts(inventory, distro, release);
    const found = new Set(debFindings.map((f) => `${f.vulnId} ${f.package}`));
    expect(verdicts.vulnerable.size).toBeGreaterThan(0);
    expect([...verdicts.vulnerable].filter((k) => !found.has(k))).toEqual([]);
    expect([...verdicts.notAffected].filter((k) => found.has(k))).toEqual([]);
    if (distro === 'debian') expect(verdicts.notAffected.size).toBeGreaterThan(0);
    // Findings the primary data does not make vulnerable must come from a vulnerability it says nothing about here.
    expect([...found].filter((k) => verdicts.notVulnerable.has(k) && !verdicts.vulnerable.has(k))).toEqual([]);
  });
});
