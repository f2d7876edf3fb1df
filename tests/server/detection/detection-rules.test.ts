import { describe, expect, it } from 'vitest';
import { detect } from '../../../server/detection/detect';
import type { AffectedEntry, DetectionRecord } from '../../../server/detection/detection-types';
import type { Inventory, InventoryPackage } from '../../../server/inventory/inventory.schema';
import { inMemoryLookup } from './golden/fixture-kb';

/** The driver rules and bad input, on small hand-made KB records (the golden tests cover real data). */

let n = 0;
function record(id: string, affected: AffectedEntry[], extra: Partial<DetectionRecord> = {}): DetectionRecord {
  n += 1;
  return { _id: id, vglId: `VGL-${n}`, aliases: [id], severity: 'high', cvssScore: 7.5, epss: null, kevListed: false, affected, affectedPackages: [...new Set(affected.map((a) => `${a.ecosystem}:${a.package}`))], ...extra };
}
const deb = (pkg: string, status: AffectedEntry['status'], fixedVersion?: string, release = 'bookworm', source: AffectedEntry['source'] = 'debian-oval'): AffectedEntry => ({
  ecosystem: 'deb',
  distro: 'debian',
  release,
  package: pkg,
  sourcePackage: true,
  status,
  ...(fixedVersion ? { fixedVersion, ranges: [{ introduced: '0', fixed: fixedVersion }] } : {}),
  source,
});
const debPkg = (name: string, version: string, source = name): InventoryPackage => ({ name, version, source, sourceVersion: version, ecosystem: 'deb' });
const host = (packages: InventoryPackage[], services: Inventory['services'] = [], os: Inventory['os'] = { family: 'debian', name: 'debian', version: '12', codename: 'bookworm' }): Inventory => ({ host: 'h', os, packages, services });

describe('distro rules', () => {
  const kb = [
    record('CVE-1', [deb('openssl', 'fixed', '3.0.11-1~deb12u2'), deb('openssl', 'fixed', '1.1.1w-0+deb11u1', 'bullseye')]),
    record('CVE-2', [deb('openssl', 'not-affected')]),
    record('CVE-3', [deb('openssl', 'fixed', '0')]),
    record('CVE-4', [deb('openssl', 'unfixed'), deb('openssl', 'fixed', '9.9', 'bookworm', 'osv')]),
    record('CVE-5', [deb('openssl', 'fixed', '3.0.9-1', 'bookworm')]),
    record('CVE-6', [{ ecosystem: 'cpe', package: 'openssl:openssl', cpe: 'cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*', vulnerable: true, status: 'fixed', ranges: [{ fixed: '3.0.12' }], source: 'nvd' }, deb('openssl', 'fixed', '3.0.9-1')]),
  ];
  it('matches on the source package in the host release; not-affected / fixed in 0 give none; unfixed is marked; the backport outranks NVD', async () => {
    const { findings, problems } = await detect({ inventory: host([debPkg('libssl3', '3.0.11-1~deb12u1', 'openssl')], [{ port: 443, proto: 'tcp', cpe: 'cpe:2.3:a:openssl:openssl:3.0.11:*:*:*:*:*:*:*' }]), lookup: inMemoryLookup(kb) });
    expect(problems).toEqual([]);
    expect(findings.map((f) => [f.vulnId, f.package, f.sourcePackage, f.fixedVersion, f.unfixed, f.source, f.confidence])).toEqual([
      ['CVE-1', 'libssl3', 'openssl', '3.0.11-1~deb12u2', false, 'debian-oval', 'confirmed'],
      ['CVE-4', 'libssl3', 'openssl', null, true, 'debian-oval', 'confirmed'],
    ]);
    expect(findings[0]!.rule).toBe('debian-oval bookworm openssl fixed 3.0.11-1~deb12u2');
  });

  it('an unparseable installed version is a problem, never a finding', async () => {
    const { findings, problems } = await detect({ inventory: host([debPkg('libssl3', '!!garbage', 'openssl'), debPkg('openssl', '3.0.0-1')]), lookup: inMemoryLookup(kb) });
    expect(findings.every((f) => f.package === 'openssl')).toBe(true);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]!.at).toBe('packages[0] libssl3 !!garbage');
    expect(problems[0]!.message).toMatch(/Invalid dpkg version "!!garbage"/);
  });

  it('an unknown OS is a clear problem; language packages are still matched', async () => {
    const py = record('GHSA-1', [{ ecosystem: 'PyPI', package: 'jinja2', status: 'fixed', ranges: [{ introduced: '0', fixed: '3.1.3' }], source: 'osv' }]);
    const { findings, problems } = await detect({
      inventory: host([debPkg('openssl', '1.0'), { name: 'Jinja2', version: '3.1.2', ecosystem: 'pypi' }, { name: 'rails', version: '7.0.0', ecosystem: 'gem' }], [], { family: 'plan9', name: 'plan9', version: '4' }),
      lookup: inMemoryLookup([...kb, py]),
    });
    expect(findings.map((f) => [f.vulnId, f.package, f.fixedVersion])).toEqual([['GHSA-1', 'Jinja2', '3.1.3']]);
    expect(problems.map((p) => p.message)).toEqual([
      'unknown operating system "plan9" (family "plan9"): no detection driver; 1 OS packages were not matched',
      'no exact version comparer for gem yet; 1 packages were not matched',
    ]);
  });

  it('Ubuntu OVAL names binaries; Alpine branch from the version', async () => {
    const ubuntu = record('CVE-U', [{ ecosystem: 'deb', distro: 'ubuntu', release: 'jammy', package: 'libssl3', sourcePackage: false, status: 'fixed', fixedVersion: '3.0.2-0ubuntu1.10', source: 'ubuntu-oval' }]);
    const apk = record('CVE-A', [{ ecosystem: 'apk', distro: 'alpine', release: 'v3.20', package: 'openssl', status: 'fixed', fixedVersion: '3.3.2-r0', source: 'alpine-secdb' }]);
    const u = await detect({ inventory: host([debPkg('libssl3', '3.0.2-0ubuntu1.9', 'openssl')], [], { family: 'debian', name: 'ubuntu', version: '22.04' }), lookup: inMemoryLookup([ubuntu]) });
    expect(u.findings.map((f) => f.vulnId)).toEqual(['CVE-U']);
    const a = await detect({ inventory: host([{ name: 'libcrypto3', version: '3.3.1-r0', source: 'openssl', ecosystem: 'apk' }], [], { family: 'alpine', name: 'alpine', version: '3.20.3' }), lookup: inMemoryLookup([apk]) });
    expect(a.findings.map((f) => [f.vulnId, f.package, f.sourcePackage])).toEqual([['CVE-A', 'libcrypto3', 'openssl']]);
  });
});

describe('services against NVD configurations', () => {
  const cpe = (c: string, vulnerable: boolean, ranges?: AffectedEntry['ranges']): AffectedEntry => ({ ecosystem: 'cpe', package: c.split(':').slice(3, 5).join(':'), cpe: c, vulnerable, status: 'unfixed', ...(ranges ? { ranges } : {}), source: 'nvd' });
  const kb = [
    record('CVE-S1', [cpe('cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*', true, [{ introduced: '8.5p1', fixed: '9.8p1' }])]),
    record('CVE-S2', [cpe('cpe:2.3:a:openbsd:openssh:9.2:p1:*:*:*:*:*:*', true, [{ introduced: '9.2', lastAffected: '9.2' }])]),
    record('CVE-S3', [cpe('cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*', true, [{ fixed: '10.0' }]), cpe('cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*', false)]),
    record('CVE-S4', [cpe('cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*', true, [{ fixed: '10.0' }]), cpe('cpe:2.3:o:debian:debian_linux:12.0:*:*:*:*:*:*:*', false)]),
  ];
  it('ranges with the CPE update, exact versions, running-on platform conditions; potential confidence', async () => {
    const { findings } = await detect({ inventory: host([], [{ port: 22, proto: 'tcp', cpe: 'cpe:2.3:a:openbsd:openssh:9.2:p1:*:*:*:*:*:*' }]), lookup: inMemoryLookup(kb) });
    expect(findings.map((f) => [f.vulnId, f.confidence, f.port])).toEqual([
      ['CVE-S1', 'potential', 22],
      ['CVE-S2', 'potential', 22],
      ['CVE-S4', 'potential', 22],
    ]);
  });
});

describe('scale', () => {
  // Time is the detection bench's figure, not an assertion here; the limit only stops a run that hangs.
  it('100k packages complete, with per-item problems for bad entries', { timeout: 120_000 }, async () => {
    const packages = Array.from({ length: 100_000 }, (_, i) => debPkg(`pkg${i}`, i % 10_000 === 0 ? 'bad version!' : `1.${i % 50}-1`));
    const kb = Array.from({ length: 2000 }, (_, i) => record(`CVE-2099-${i}`, [deb(`pkg${i * 50}`, 'fixed', '1.25-1')]));
    const { findings, problems } = await detect({ inventory: host(packages), lookup: inMemoryLookup(kb) });
    // pkg(i*50) has version 1.0-1 (i*50 % 50 = 0) < 1.25-1, except the bad-version ones.
    const bad = packages.filter((p, i) => p.version === 'bad version!' && i % 50 === 0).length;
    expect(findings.length).toBe(2000 - bad);
    expect(problems.length).toBe(bad);
  });
});
