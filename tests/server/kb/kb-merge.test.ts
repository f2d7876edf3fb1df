import { describe, expect, it } from 'vitest';
import { hasPrimarySource, mergeContributions, severityOfScore } from '../../../server/kb/kb-merge';
import type { KbContribution } from '../../../server/kb/kb-types';
import { stableHash } from '../../../server/kb/stable-hash';

const nvd: KbContribution = {
  source: 'nvd',
  recordId: 'CVE-2024-6387',
  key: 'CVE-2024-6387',
  aliases: ['CVE-2024-6387'],
  description: 'A security regression (CVE-2006-5051) was discovered in OpenSSH server (sshd). There is a race condition.',
  cvss: [
    { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: 8.1, type: 'Primary', scoredBy: 'secalert@redhat.com' },
    { version: '2.0', vector: 'AV:N/AC:L/Au:N/C:P/I:P/A:P', baseScore: 7.5, type: 'Secondary' },
  ],
  published: '2024-07-01T13:15:10.030',
  modified: '2024-08-26T00:00:00.000',
  references: [{ url: 'https://example.org/a', tags: ['Third Party Advisory'] }],
  affected: [{ ecosystem: 'cpe', package: 'openbsd:openssh', cpe: 'cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*', vulnerable: true, status: 'fixed', ranges: [{ introduced: '8.5', fixed: '9.8' }] }],
  status: 'Modified',
};
const debian: KbContribution = {
  source: 'debian-oval',
  recordId: 'oval:org.debian:def:1',
  key: 'CVE-2024-6387',
  aliases: ['CVE-2024-6387', 'DSA-5724-1'],
  description: 'remote code execution in sshd',
  affected: [{ ecosystem: 'deb', distro: 'debian', release: 'bookworm', package: 'openssh', sourcePackage: true, status: 'fixed', fixedVersion: '1:9.2p1-2+deb12u3' }],
};
const osv: KbContribution = {
  source: 'osv',
  recordId: 'DSA-5724-1',
  key: 'CVE-2024-6387',
  aliases: ['DSA-5724-1', 'CVE-2024-6387'],
  title: 'openssh - security update',
  description: 'remote code execution in sshd',
  cvss: [{ version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: 9.8 }],
};
const kev: KbContribution = {
  source: 'kev',
  recordId: 'CVE-2024-6387',
  key: 'CVE-2024-6387',
  aliases: ['CVE-2024-6387'],
  title: 'OpenSSH signal handler race',
  kev: { dateAdded: '2024-07-10', dueDate: '2024-07-31', requiredAction: 'Apply updates', knownRansomwareCampaignUse: 'Unknown', vendorProject: 'OpenBSD', product: 'OpenSSH', vulnerabilityName: 'OpenSSH signal handler race' },
};
const epssOld: KbContribution = { source: 'epss', recordId: 'CVE-2024-6387@old', key: 'CVE-2024-6387', aliases: ['CVE-2024-6387'], epss: { score: 0.1, percentile: 0.5, date: '2025-01-01' } };
const epssNew: KbContribution = { source: 'epss', recordId: 'CVE-2024-6387', key: 'CVE-2024-6387', aliases: ['CVE-2024-6387'], epss: { score: 0.4, percentile: 0.9, date: '2025-08-25' } };

describe('mergeContributions', () => {
  const merged = mergeContributions('CVE-2024-6387', [debian, epssOld, nvd, kev, osv, epssNew]);

  it('keeps every source and every identifier', () => {
    expect(merged.sources).toEqual(['debian-oval', 'epss', 'kev', 'nvd', 'osv']);
    expect(merged.aliases).toEqual(['CVE-2024-6387', 'DSA-5724-1']);
  });

  it('shows NVD primary CVSS v3.1 over a vendor score, and keeps all vectors', () => {
    expect(merged).toMatchObject({ cvssScore: 8.1, cvssVersion: '3.1', severity: 'high', fieldSources: { cvss: 'nvd' } });
    expect(merged.cvss.map((c) => `${c.source}:${c.version}:${c.baseScore}`)).toEqual(['nvd:3.1:8.1', 'nvd:2.0:7.5', 'osv:3.1:9.8']);
  });

  it('applies the documented precedence to title and description and keeps the alternatives', () => {
    expect(merged.title).toBe('openssh - security update');
    expect(merged.fieldSources.title).toBe('osv');
    expect(merged.description).toBe(nvd.description);
    expect(merged.fieldSources.description).toBe('nvd');
    expect(merged.alternatives.description.map((d) => d.source)).toEqual(['debian-oval', 'nvd']);
    expect(merged.alternatives.title.map((t) => t.value)).toEqual(['OpenSSH signal handler race', 'openssh - security update']);
  });

  it('takes the latest EPSS score, KEV details and NVD dates', () => {
    expect(merged.epss).toMatchObject({ score: 0.4, date: '2025-08-25', source: 'epss' });
    expect(merged.kevListed).toBe(true);
    expect(merged.kev?.dueDate).toBe('2024-07-31');
    expect(merged.published?.toISOString()).toBe(new Date('2024-07-01T13:15:10.030').toISOString());
    expect(merged.status).toBe('Modified');
  });

  it('keeps every affected-package statement tagged with its source', () => {
    expect(merged.affected.map((a) => `${a.source}:${a.ecosystem}:${a.package}`)).toEqual(['debian-oval:deb:openssh', 'nvd:cpe:openbsd:openssh']);
    expect(merged.affectedPackages).toEqual(['cpe:openbsd:openssh', 'deb:openssh']);
  });

  it('is deterministic whatever the input order', () => {
    const other = mergeContributions('CVE-2024-6387', [epssNew, osv, kev, nvd, epssOld, debian]);
    expect(stableHash(other)).toBe(stableHash(merged));
  });

  it('derives a title from NVD when nothing else names the vulnerability', () => {
    const onlyNvd = mergeContributions('CVE-2024-6387', [nvd]);
    expect(onlyNvd.title).toBe('A security regression (CVE-2006-5051) was discovered in OpenSSH server (sshd).');
  });

  it('marks rejected CVEs', () => {
    expect(mergeContributions('CVE-1', [{ ...nvd, key: 'CVE-1', status: 'Rejected', rejected: true }]).rejected).toBe(true);
  });
});

describe('merge helpers', () => {
  it.each([
    [9.8, 'critical'],
    [7.0, 'high'],
    [6.9, 'medium'],
    [4.0, 'medium'],
    [0.1, 'low'],
    [0, 'none'],
    [null, 'unknown'],
  ] as const)('severity of %s is %s', (score, severity) => {
    expect(severityOfScore(score)).toBe(severity);
  });

  it('EPSS scores alone do not make a KB record', () => {
    expect(hasPrimarySource([epssNew])).toBe(false);
    expect(hasPrimarySource([epssNew, kev])).toBe(true);
  });
});

describe('Debian security-tracker JSON next to Debian OVAL', () => {
  const trackerJson: KbContribution = {
    source: 'debian-tracker-json',
    recordId: 'openssh/CVE-2024-6387',
    key: 'CVE-2024-6387',
    aliases: ['CVE-2024-6387'],
    description: 'tracker text',
    references: [{ url: 'https://security-tracker.debian.org/tracker/CVE-2024-6387' }],
    affected: [
      { ecosystem: 'deb', distro: 'debian', release: 'bookworm', package: 'openssh', sourcePackage: true, status: 'fixed', fixedVersion: '1:9.2p1-2+deb12u3', ranges: [{ introduced: '0', fixed: '1:9.2p1-2+deb12u3' }] },
      { ecosystem: 'deb', distro: 'debian', release: 'bullseye', package: 'openssh', sourcePackage: true, status: 'not-affected' },
    ],
  };

  it('shows the OVAL description over the tracker JSON, and the tracker JSON over nothing', () => {
    expect(mergeContributions('CVE-2024-6387', [trackerJson, debian])).toMatchObject({ description: 'remote code execution in sshd', fieldSources: { description: 'debian-oval' } });
    expect(mergeContributions('CVE-2024-6387', [trackerJson])).toMatchObject({ description: 'tracker text', fieldSources: { description: 'debian-tracker-json' } });
    expect(mergeContributions('CVE-2024-6387', [trackerJson, nvd]).fieldSources.description).toBe('nvd');
  });

  it('keeps both sources’ affected-package statements, each tagged with its source', () => {
    const merged = mergeContributions('CVE-2024-6387', [trackerJson, debian]);
    expect(merged.affected.map((a) => `${a.source} ${a.release} ${a.status}`)).toEqual(['debian-oval bookworm fixed', 'debian-tracker-json bookworm fixed', 'debian-tracker-json bullseye not-affected']);
    expect(merged.sources).toEqual(['debian-oval', 'debian-tracker-json']);
  });
});
