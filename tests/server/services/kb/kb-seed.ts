import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import { KbVulnerabilityModel, type KbVulnerability } from '../../../../server/models/kb-vulnerability.model';
import { KB_SOURCES, type KbSourceId } from '../../../../server/kb/kb-types';
import { VGL_SEQUENCE } from '../../../../server/services/kb/merge-pending-contributions';

/**
 * KnowledgeBase records for search and console tests, written as the KB merge writes them.
 * Values come from the real upstream records (NVD, CISA KEV, FIRST EPSS, Debian, Ubuntu, Alpine,
 * OSV) of these vulnerabilities; see ../shared/kb-fixtures for the originals.
 */
type Seed = Omit<KbVulnerability, 'hash' | 'createdAt' | 'updatedAt'>;

const NVD = (id: string) => ({ url: `https://nvd.nist.gov/vuln/detail/${id}`, tags: ['Third Party Advisory'] });

export const KB_SEED: Seed[] = [
  {
    _id: 'CVE-2024-6387',
    vglId: 'VGL-000001',
    aliases: ['CVE-2024-6387', 'DSA-5724-1', 'USN-6859-1'],
    title: "A security regression (CVE-2006-5051) was discovered in OpenSSH's server (sshd).",
    description:
      "A security regression (CVE-2006-5051) was discovered in OpenSSH's server (sshd). There is a race condition which can lead sshd to handle some signals in an unsafe manner. An unauthenticated, remote attacker may be able to trigger it by failing to authenticate within a set time period.",
    severity: 'high',
    cvssScore: 8.1,
    cvssVector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H',
    cvssVersion: '3.1',
    cvss: [
      { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: 8.1, severity: 'HIGH', scoredBy: 'nvd@nist.gov', type: 'Primary', source: 'nvd' },
      { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: 8.1, severity: 'HIGH', scoredBy: 'secalert@redhat.com', type: 'Secondary', source: 'nvd' },
    ],
    epss: { score: 0.73412, percentile: 0.98746, date: '2025-08-25', modelVersion: 'v2025.03.14', source: 'epss' },
    kev: null,
    kevListed: false,
    cwes: ['CWE-362', 'CWE-364'],
    references: [
      { url: 'https://www.qualys.com/2024/07/01/cve-2024-6387/regresshion.txt', tags: ['Exploit', 'Technical Description'] },
      { url: 'https://www.openssh.com/txt/release-9.8', tags: ['Release Notes'] },
      { url: 'https://www.debian.org/security/2024/dsa-5724' },
      { url: 'https://ubuntu.com/security/notices/USN-6859-1' },
    ],
    published: new Date('2024-07-01T13:15:06.467Z'),
    modified: new Date('2024-11-21T09:49:30.000Z'),
    status: 'Modified',
    rejected: false,
    affected: [
      {
        ecosystem: 'cpe',
        package: 'openbsd:openssh',
        cpe: 'cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*',
        vulnerable: true,
        status: 'unfixed',
        ranges: [{ fixed: '4.4' }, { introduced: '8.5', fixed: '9.8' }],
        source: 'nvd',
      },
      { ecosystem: 'deb', distro: 'debian', release: 'bookworm', package: 'openssh', sourcePackage: true, status: 'fixed', fixedVersion: '1:9.2p1-2+deb12u3', advisory: 'DSA-5724-1', source: 'debian-oval' },
      { ecosystem: 'deb', distro: 'ubuntu', release: 'noble', package: 'openssh', sourcePackage: true, status: 'fixed', fixedVersion: '1:9.6p1-3ubuntu13.3', advisory: 'USN-6859-1', source: 'ubuntu-oval' },
      { ecosystem: 'deb', distro: 'ubuntu', release: 'jammy', package: 'openssh', sourcePackage: true, status: 'not-affected', source: 'ubuntu-oval' },
      { ecosystem: 'apk', distro: 'alpine', release: 'v3.20', repository: 'main', package: 'openssh', status: 'fixed', fixedVersion: '9.7_p1-r4', source: 'alpine-secdb' },
    ],
    affectedPackages: ['apk:openssh', 'cpe:openbsd:openssh', 'deb:openssh'],
    sources: ['alpine-secdb', 'debian-oval', 'epss', 'nvd', 'ubuntu-oval'],
    fieldSources: { title: 'nvd', description: 'nvd', cvss: 'nvd', published: 'nvd', epss: 'epss' },
    alternatives: {
      title: [
        { source: 'debian-oval', value: 'DSA-5724-1 openssh -- security update' },
        { source: 'ubuntu-oval', value: 'USN-6859-1 -- OpenSSH vulnerability' },
      ],
      description: [
        {
          source: 'nvd',
          value:
            "A security regression (CVE-2006-5051) was discovered in OpenSSH's server (sshd). There is a race condition which can lead sshd to handle some signals in an unsafe manner. An unauthenticated, remote attacker may be able to trigger it by failing to authenticate within a set time period.",
        },
        { source: 'ubuntu-oval', value: 'It was discovered that OpenSSH incorrectly handled signal management. A remote attacker could use this issue to bypass authentication and remotely access systems without proper credentials.' },
      ],
    },
  },
  {
    _id: 'CVE-2014-0160',
    vglId: 'VGL-000002',
    aliases: ['CVE-2014-0160', 'DSA-2896-1'],
    title: 'OpenSSL Information Disclosure Vulnerability',
    description:
      'The (1) TLS and (2) DTLS implementations in OpenSSL 1.0.1 before 1.0.1g do not properly handle Heartbeat Extension packets, which allows remote attackers to obtain sensitive information from process memory via crafted packets that trigger a buffer over-read, as demonstrated by reading private keys, related to d1_both.c and t1_lib.c, aka the Heartbleed bug.',
    severity: 'high',
    cvssScore: 7.5,
    cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N',
    cvssVersion: '3.1',
    cvss: [
      { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', baseScore: 7.5, severity: 'HIGH', scoredBy: 'nvd@nist.gov', type: 'Primary', source: 'nvd' },
      { version: '2.0', vector: 'AV:N/AC:L/Au:N/C:P/I:N/A:N', baseScore: 5, severity: 'MEDIUM', scoredBy: 'nvd@nist.gov', type: 'Primary', source: 'nvd' },
    ],
    epss: { score: 0.94436, percentile: 0.99985, date: '2025-08-25', modelVersion: 'v2025.03.14', source: 'epss' },
    kev: {
      dateAdded: '2022-05-04',
      dueDate: '2022-05-25',
      requiredAction: 'Apply updates per vendor instructions.',
      knownRansomwareCampaignUse: 'Unknown',
      vendorProject: 'OpenSSL',
      product: 'OpenSSL',
      vulnerabilityName: 'OpenSSL Information Disclosure Vulnerability',
      shortDescription: 'The TLS and DTLS implementations in OpenSSL do not properly handle Heartbeat Extension packets, which allows remote attackers to obtain sensitive information.',
      notes: 'https://nvd.nist.gov/vuln/detail/CVE-2014-0160',
    },
    kevListed: true,
    cwes: ['CWE-125'],
    references: [NVD('CVE-2014-0160'), { url: 'https://heartbleed.com/' }, { url: 'https://www.debian.org/security/2014/dsa-2896' }],
    published: new Date('2014-04-07T22:55:03.893Z'),
    modified: new Date('2025-04-12T10:46:40.837Z'),
    status: 'Analyzed',
    rejected: false,
    affected: [
      { ecosystem: 'cpe', package: 'openssl:openssl', cpe: 'cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*', vulnerable: true, status: 'unfixed', ranges: [{ introduced: '1.0.1', fixed: '1.0.1g' }], source: 'nvd' },
      { ecosystem: 'deb', distro: 'debian', release: 'wheezy', package: 'openssl', sourcePackage: true, status: 'fixed', fixedVersion: '1.0.1e-2+deb7u5', advisory: 'DSA-2896-1', source: 'debian-tracker' },
    ],
    affectedPackages: ['cpe:openssl:openssl', 'deb:openssl'],
    sources: ['debian-tracker', 'epss', 'kev', 'nvd'],
    fieldSources: { title: 'kev', description: 'nvd', cvss: 'nvd', published: 'nvd', epss: 'epss', kev: 'kev' },
    alternatives: { title: [{ source: 'kev', value: 'OpenSSL Information Disclosure Vulnerability' }], description: [] },
  },
  {
    _id: 'CVE-2021-45046',
    vglId: 'VGL-000003',
    aliases: ['CVE-2021-45046', 'DSA-5022-1', 'GHSA-7rjr-3q55-vv33'],
    title: 'Incomplete fix for Apache Log4j vulnerability',
    description:
      'It was found that the fix to address CVE-2021-44228 in Apache Log4j 2.15.0 was incomplete in certain non-default configurations. This could allows attackers with control over Thread Context Map (MDC) input data when the logging configuration uses a non-default Pattern Layout with either a Context Lookup or a Thread Context Map pattern to craft malicious input data using a JNDI Lookup pattern resulting in an information leak and remote code execution in some environments and local code execution in all environments.',
    severity: 'critical',
    cvssScore: 9,
    cvssVector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H',
    cvssVersion: '3.1',
    cvss: [
      { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H', baseScore: 9, severity: 'CRITICAL', scoredBy: 'nvd@nist.gov', type: 'Primary', source: 'nvd' },
      { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H', baseScore: 9, source: 'osv' },
    ],
    epss: { score: 0.99977, percentile: 0.9998, date: '2026-08-16', source: 'epss' },
    kev: {
      dateAdded: '2023-05-01',
      dueDate: '2023-05-22',
      requiredAction: 'Apply updates per vendor instructions.',
      knownRansomwareCampaignUse: 'Known',
      vendorProject: 'Apache',
      product: 'Log4j2',
      vulnerabilityName: 'Apache Log4j2 Deserialization of Untrusted Data Vulnerability',
      shortDescription:
        'Apache Log4j2 contains a deserialization of untrusted data vulnerability due to the incomplete fix of CVE-2021-44228, where the Thread Context Lookup Pattern is vulnerable to remote code execution in certain non-default configurations.',
      notes: 'https://logging.apache.org/log4j/2.x/security.html; https://nvd.nist.gov/vuln/detail/CVE-2021-45046',
    },
    kevListed: true,
    cwes: ['CWE-917'],
    references: [NVD('CVE-2021-45046'), { url: 'https://logging.apache.org/log4j/2.x/security.html', tags: ['Vendor Advisory'] }, { url: 'https://github.com/advisories/GHSA-7rjr-3q55-vv33' }],
    published: new Date('2021-12-14T19:15:07.733Z'),
    modified: new Date('2025-02-04T15:15:13.773Z'),
    status: 'Analyzed',
    rejected: false,
    affected: [
      {
        ecosystem: 'Maven',
        package: 'org.apache.logging.log4j:log4j-core',
        status: 'fixed',
        ranges: [
          { introduced: '2.0-beta9', fixed: '2.12.2' },
          { introduced: '2.13.0', fixed: '2.16.0' },
        ],
        advisory: 'GHSA-7rjr-3q55-vv33',
        source: 'osv',
      },
      { ecosystem: 'cpe', package: 'apache:log4j', cpe: 'cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*', vulnerable: true, status: 'unfixed', ranges: [{ introduced: '2.0.1', fixed: '2.12.2' }], source: 'nvd' },
      { ecosystem: 'deb', distro: 'debian', release: 'bullseye', package: 'apache-log4j2', sourcePackage: true, status: 'fixed', fixedVersion: '2.16.0-1~deb11u1', advisory: 'DSA-5022-1', source: 'debian-tracker' },
    ],
    affectedPackages: ['Maven:org.apache.logging.log4j:log4j-core', 'cpe:apache:log4j', 'deb:apache-log4j2'],
    sources: ['debian-tracker', 'epss', 'kev', 'nvd', 'osv'],
    fieldSources: { title: 'osv', description: 'nvd', cvss: 'nvd', published: 'nvd', epss: 'epss', kev: 'kev' },
    alternatives: {
      title: [
        { source: 'osv', value: 'Incomplete fix for Apache Log4j vulnerability' },
        { source: 'kev', value: 'Apache Log4j2 Deserialization of Untrusted Data Vulnerability' },
      ],
      description: [],
    },
  },
  {
    _id: 'CVE-2023-38545',
    vglId: 'VGL-000004',
    aliases: ['CVE-2023-38545', 'DSA-5523-1'],
    title: 'This flaw makes curl overflow a heap based buffer in the SOCKS5 proxy handshake.',
    description:
      'This flaw makes curl overflow a heap based buffer in the SOCKS5 proxy handshake. When curl is asked to pass along the host name to the SOCKS5 proxy to allow that to resolve the address instead of it getting done by curl itself, the maximum length that host name can be is 255 bytes.',
    severity: 'critical',
    cvssScore: 9.8,
    cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    cvssVersion: '3.1',
    cvss: [
      { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: 9.8, severity: 'CRITICAL', scoredBy: 'nvd@nist.gov', type: 'Primary', source: 'nvd' },
      { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', baseScore: 8.8, severity: 'HIGH', scoredBy: '134c704f-9b21-4f2e-91b3-4a467353bcc0', type: 'Secondary', source: 'nvd' },
    ],
    epss: { score: 0.78483, percentile: 0.99547, date: '2026-08-16', source: 'epss' },
    kev: null,
    kevListed: false,
    cwes: ['CWE-787'],
    references: [NVD('CVE-2023-38545'), { url: 'https://curl.se/docs/CVE-2023-38545.html', tags: ['Vendor Advisory'] }],
    published: new Date('2023-10-18T04:15:11.077Z'),
    modified: new Date('2025-06-20T20:15:26.000Z'),
    status: 'Modified',
    rejected: false,
    affected: [
      { ecosystem: 'cpe', package: 'haxx:curl', cpe: 'cpe:2.3:a:haxx:curl:*:*:*:*:*:*:*:*', vulnerable: true, status: 'unfixed', ranges: [{ introduced: '7.69.0', fixed: '8.4.0' }], source: 'nvd' },
      { ecosystem: 'deb', distro: 'debian', release: 'bookworm', package: 'curl', sourcePackage: true, status: 'fixed', fixedVersion: '7.88.1-10+deb12u4', advisory: 'DSA-5523-1', source: 'debian-oval' },
      { ecosystem: 'apk', distro: 'alpine', release: 'v3.18', repository: 'main', package: 'curl', status: 'fixed', fixedVersion: '8.4.0-r0', source: 'alpine-secdb' },
    ],
    affectedPackages: ['apk:curl', 'cpe:haxx:curl', 'deb:curl'],
    sources: ['alpine-secdb', 'debian-oval', 'epss', 'nvd'],
    fieldSources: { title: 'nvd', description: 'nvd', cvss: 'nvd', published: 'nvd', epss: 'epss' },
    alternatives: { title: [], description: [] },
  },
  {
    _id: 'CVE-2023-4911',
    vglId: 'VGL-000005',
    aliases: ['CVE-2023-4911', 'DSA-5514-1'],
    title: 'GNU C Library Buffer Overflow Vulnerability',
    description:
      "A buffer overflow was discovered in the GNU C Library's dynamic loader ld.so while processing the GLIBC_TUNABLES environment variable. This issue could allow a local attacker to use maliciously crafted GLIBC_TUNABLES environment variables when launching binaries with SUID permission to execute code with elevated privileges.",
    severity: 'high',
    cvssScore: 7.8,
    cvssVector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H',
    cvssVersion: '3.1',
    cvss: [{ version: '3.1', vector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', baseScore: 7.8, severity: 'HIGH', scoredBy: 'nvd@nist.gov', type: 'Primary', source: 'nvd' }],
    epss: { score: 0.81422, percentile: 0.99606, date: '2026-08-16', source: 'epss' },
    kev: {
      dateAdded: '2023-11-21',
      dueDate: '2023-12-12',
      requiredAction: 'Apply mitigations per vendor instructions or discontinue use of the product if mitigations are unavailable.',
      knownRansomwareCampaignUse: 'Unknown',
      vendorProject: 'GNU',
      product: 'GNU C Library',
      vulnerabilityName: 'GNU C Library Buffer Overflow Vulnerability',
    },
    kevListed: true,
    cwes: ['CWE-122', 'CWE-787'],
    references: [NVD('CVE-2023-4911'), { url: 'https://www.qualys.com/2023/10/03/cve-2023-4911/looney-tunables-local-privilege-escalation-glibc-ld-so.txt', tags: ['Exploit'] }],
    published: new Date('2023-10-03T18:15:10.463Z'),
    modified: new Date('2025-03-20T14:15:20.000Z'),
    status: 'Modified',
    rejected: false,
    affected: [
      { ecosystem: 'cpe', package: 'gnu:glibc', cpe: 'cpe:2.3:a:gnu:glibc:2.34:*:*:*:*:*:*:*', vulnerable: true, status: 'unfixed', source: 'nvd' },
      { ecosystem: 'deb', distro: 'debian', release: 'bookworm', package: 'glibc', sourcePackage: true, status: 'fixed', fixedVersion: '2.36-9+deb12u3', advisory: 'DSA-5514-1', source: 'debian-oval' },
    ],
    affectedPackages: ['cpe:gnu:glibc', 'deb:glibc'],
    sources: ['debian-oval', 'epss', 'kev', 'nvd'],
    fieldSources: { title: 'kev', description: 'nvd', cvss: 'nvd', published: 'nvd', epss: 'epss', kev: 'kev' },
    alternatives: { title: [], description: [] },
  },
  {
    _id: 'CVE-2020-8203',
    vglId: 'VGL-000006',
    aliases: ['CVE-2020-8203', 'GHSA-p6mc-m468-83gw'],
    title: 'Prototype Pollution in lodash',
    description: 'Prototype pollution attack when using _.zipObjectDeep in lodash before 4.17.20.',
    severity: 'high',
    cvssScore: 7.4,
    cvssVector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H',
    cvssVersion: '3.1',
    cvss: [{ version: '3.1', vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H', baseScore: 7.4, source: 'osv' }],
    epss: { score: 0.01724, percentile: 0.8204, date: '2026-08-16', source: 'epss' },
    kev: null,
    kevListed: false,
    cwes: ['CWE-1321', 'CWE-770'],
    references: [{ url: 'https://github.com/advisories/GHSA-p6mc-m468-83gw' }, { url: 'https://hackerone.com/reports/712065' }],
    published: new Date('2020-07-15T17:15:11.797Z'),
    modified: new Date('2024-11-21T05:38:34.000Z'),
    status: null,
    rejected: false,
    affected: [{ ecosystem: 'npm', package: 'lodash', status: 'fixed', ranges: [{ introduced: '3.7.0', fixed: '4.17.19' }], advisory: 'GHSA-p6mc-m468-83gw', source: 'osv' }],
    affectedPackages: ['npm:lodash'],
    sources: ['epss', 'osv'],
    fieldSources: { title: 'osv', description: 'osv', cvss: 'osv', published: 'osv', epss: 'epss' },
    alternatives: { title: [], description: [] },
  },
  {
    _id: 'RUSTSEC-2026-0201',
    vglId: 'VGL-000007',
    aliases: ['GHSA-4rf6-qx84-q9fv', 'RUSTSEC-2026-0201'],
    title: 'Non-painting replaced elements amplify to thousands of blank PDF pages (denial of service)',
    description: 'Replaced elements that paint nothing can make fulgur emit thousands of blank pages for a small input, exhausting memory and CPU.',
    severity: 'high',
    cvssScore: 7.5,
    cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
    cvssVersion: '3.1',
    cvss: [{ version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', baseScore: 7.5, source: 'osv' }],
    epss: null,
    kev: null,
    kevListed: false,
    cwes: [],
    references: [{ url: 'https://rustsec.org/advisories/RUSTSEC-2026-0201.html' }],
    published: new Date('2026-07-05T12:00:00.000Z'),
    modified: new Date('2026-07-05T12:00:00.000Z'),
    status: null,
    rejected: false,
    affected: [{ ecosystem: 'crates.io', package: 'fulgur', status: 'fixed', ranges: [{ introduced: '0.0.0-0', fixed: '0.26.0' }], advisory: 'RUSTSEC-2026-0201', source: 'osv' }],
    affectedPackages: ['crates.io:fulgur'],
    sources: ['osv'],
    fieldSources: { title: 'osv', description: 'osv', cvss: 'osv', published: 'osv' },
    alternatives: { title: [], description: [] },
  },
  {
    _id: 'CVE-2023-39324',
    vglId: 'VGL-000008',
    aliases: ['CVE-2023-39324'],
    title: 'Rejected reason: reserved but not needed',
    description: 'Rejected reason: reserved but not needed',
    severity: 'unknown',
    cvssScore: null,
    cvssVector: null,
    cvssVersion: null,
    cvss: [],
    epss: null,
    kev: null,
    kevListed: false,
    cwes: [],
    references: [],
    published: new Date('2024-07-02T17:15:04.737Z'),
    modified: new Date('2024-07-02T17:15:04.737Z'),
    status: 'Rejected',
    rejected: true,
    affected: [],
    affectedPackages: [],
    sources: ['nvd'],
    fieldSources: { title: 'nvd', description: 'nvd', published: 'nvd' },
    alternatives: { title: [], description: [] },
  },
  {
    _id: 'CVE-2014-6271',
    vglId: 'VGL-000009',
    aliases: ['CVE-2014-6271', 'DSA-3032-1'],
    title: 'GNU Bourne-Again Shell (Bash) Arbitrary Code Execution Vulnerability',
    description:
      'GNU Bash through 4.3 processes trailing strings after function definitions in the values of environment variables, which allows remote attackers to execute arbitrary code via a crafted environment, aka "ShellShock."',
    severity: 'critical',
    cvssScore: 9.8,
    cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    cvssVersion: '3.1',
    cvss: [
      { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: 9.8, severity: 'CRITICAL', scoredBy: 'nvd@nist.gov', type: 'Primary', source: 'nvd' },
      { version: '2.0', vector: 'AV:N/AC:L/Au:N/C:C/I:C/A:C', baseScore: 10, severity: 'HIGH', scoredBy: 'nvd@nist.gov', type: 'Primary', source: 'nvd' },
    ],
    epss: { score: 0.99999, percentile: 0.99993, date: '2026-08-16', source: 'epss' },
    kev: {
      dateAdded: '2022-01-28',
      dueDate: '2022-07-28',
      requiredAction: 'Apply updates per vendor instructions.',
      knownRansomwareCampaignUse: 'Unknown',
      vendorProject: 'GNU',
      product: 'Bourne-Again Shell (Bash)',
      vulnerabilityName: 'GNU Bourne-Again Shell (Bash) Arbitrary Code Execution Vulnerability',
    },
    kevListed: true,
    cwes: ['CWE-78'],
    references: [NVD('CVE-2014-6271'), { url: 'https://www.debian.org/security/2014/dsa-3032' }],
    published: new Date('2014-09-24T18:48:04.477Z'),
    modified: new Date('2025-04-12T10:46:40.837Z'),
    status: 'Analyzed',
    rejected: false,
    affected: [
      { ecosystem: 'cpe', package: 'gnu:bash', cpe: 'cpe:2.3:a:gnu:bash:*:*:*:*:*:*:*:*', vulnerable: true, status: 'unfixed', ranges: [{ lastAffected: '4.3' }], source: 'nvd' },
      { ecosystem: 'deb', distro: 'debian', release: 'wheezy', package: 'bash', sourcePackage: true, status: 'fixed', fixedVersion: '4.2+dfsg-0.1+deb7u1', advisory: 'DSA-3032-1', source: 'debian-tracker' },
    ],
    affectedPackages: ['cpe:gnu:bash', 'deb:bash'],
    sources: ['debian-tracker', 'epss', 'kev', 'nvd'],
    fieldSources: { title: 'kev', description: 'nvd', cvss: 'nvd', published: 'nvd', epss: 'epss', kev: 'kev' },
    alternatives: { title: [], description: [] },
  },
  {
    _id: 'CVE-2016-0777',
    vglId: 'VGL-000010',
    aliases: ['CVE-2016-0777', 'DSA-3446-1'],
    title: 'The resend_bytes function in roaming_common.c in the client in OpenSSH 5.x, 6.x, and 7.x before 7.1p2 allows remote servers to obtain sensitive information from process memory.',
    description:
      'The resend_bytes function in roaming_common.c in the client in OpenSSH 5.x, 6.x, and 7.x before 7.1p2 allows remote servers to obtain sensitive information from process memory by requesting transmission of an entire buffer, as demonstrated by reading a private key.',
    severity: 'medium',
    cvssScore: 6.5,
    cvssVector: 'CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N',
    cvssVersion: '3.0',
    cvss: [
      { version: '3.0', vector: 'CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N', baseScore: 6.5, severity: 'MEDIUM', scoredBy: 'nvd@nist.gov', type: 'Primary', source: 'nvd' },
      { version: '2.0', vector: 'AV:N/AC:L/Au:S/C:P/I:N/A:N', baseScore: 4, severity: 'MEDIUM', scoredBy: 'nvd@nist.gov', type: 'Primary', source: 'nvd' },
    ],
    epss: { score: 0.63468, percentile: 0.99141, date: '2026-08-16', source: 'epss' },
    kev: null,
    kevListed: false,
    cwes: ['CWE-200'],
    references: [NVD('CVE-2016-0777'), { url: 'https://www.openssh.com/txt/release-7.1p2', tags: ['Release Notes'] }],
    published: new Date('2016-01-14T22:59:01.140Z'),
    modified: new Date('2025-04-12T10:46:40.837Z'),
    status: 'Modified',
    rejected: false,
    affected: [
      { ecosystem: 'cpe', package: 'openbsd:openssh', cpe: 'cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*', vulnerable: true, status: 'unfixed', ranges: [{ introduced: '5.4', fixed: '7.1p2' }], source: 'nvd' },
      { ecosystem: 'deb', distro: 'debian', release: 'jessie', package: 'openssh', sourcePackage: true, status: 'fixed', fixedVersion: '1:6.7p1-5+deb8u1', advisory: 'DSA-3446-1', source: 'debian-tracker' },
    ],
    affectedPackages: ['cpe:openbsd:openssh', 'deb:openssh'],
    sources: ['debian-tracker', 'epss', 'nvd'],
    fieldSources: { title: 'nvd', description: 'nvd', cvss: 'nvd', published: 'nvd', epss: 'epss' },
    alternatives: { title: [], description: [] },
  },
];

const hashOf = (seed: Seed) => createHash('sha256').update(JSON.stringify(seed)).digest('hex');

/** Writes the seed records through the KB model (the connection of the current runtime). */
export async function seedKb(): Promise<void> {
  await KbVulnerabilityModel.insertMany(KB_SEED.map((seed) => ({ ...seed, hash: hashOf(seed) })));
}

async function withConnection(uri: string, work: (connection: mongoose.Connection) => Promise<unknown>): Promise<void> {
  const connection = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 10_000 }).asPromise();
  try {
    await work(connection);
  } finally {
    await connection.close();
  }
}

/**
 * Writes the seed records into the database at `uri` over a plain connection of its own: no
 * runtime, no encryption keys, so a console started on that database afterwards makes its own.
 */
export async function seedKbAt(uri: string): Promise<void> {
  await withConnection(uri, async (connection) => {
    const model = connection.model<KbVulnerability>('KbVulnerability', KbVulnerabilityModel.schema);
    await model.insertMany(KB_SEED.map((seed) => ({ ...seed, hash: hashOf(seed) })));
    // The Vigil id sequence continues after the seeded ids, as it would after a real import.
    await connection.collection('counters').insertOne({ _id: VGL_SEQUENCE, seq: KB_SEED.length } as never);
  });
}

/** Per-source import status: fresh, stale (over 48 h), failing and never imported sources. */
export function kbSourceStatusSeed(now = Date.now()) {
  const hoursAgo = (hours: number) => new Date(now - hours * 3_600_000);
  return [
    { _id: 'nvd', records: 1500, contributions: 1500, lastImportAt: hoursAgo(3), lastImportFiles: ['nvdcve-2024.subset.json'], lastProblems: 0, lastError: null },
    { _id: 'kev', records: 827, contributions: 827, lastImportAt: hoursAgo(5.5), lastImportFiles: ['known_exploited_vulnerabilities.json'], lastProblems: 0, lastError: null, lastSyncAt: hoursAgo(1), lastSyncOutcome: 'not-modified', lastSyncError: null },
    { _id: 'epss', records: 31, contributions: 31, lastImportAt: hoursAgo(26), lastImportFiles: ['epss_scores-2025-08-25.csv.gz'], lastProblems: 0, lastError: null },
    { _id: 'osv', records: 525, contributions: 611, lastImportAt: hoursAgo(80), lastImportFiles: ['all.zip'], lastProblems: 2, lastError: null },
    {
      _id: 'debian-oval',
      records: 5680,
      contributions: 9120,
      lastImportAt: hoursAgo(200),
      lastImportFiles: ['oval-definitions-bookworm.xml.bz2'],
      lastProblems: 1,
      lastError: 'oval-definitions-bookworm.xml.bz2: unexpected end of bzip2 stream',
    },
    { _id: 'alpine-secdb', records: 1045, contributions: 2210, lastImportAt: hoursAgo(12), lastImportFiles: ['v3.20/main.json'], lastProblems: 0, lastError: null },
  ];
}


export async function seedKbSourcesAt(uri: string): Promise<void> {
  await withConnection(uri, (connection) => connection.collection('kb_sources').insertMany(kbSourceStatusSeed() as never[]));
}

/** Mirrors exactly the given sources from the given URLs; every other source is disabled. */
export async function configureKbSourcesAt(uri: string, urls: Partial<Record<KbSourceId, string[]>>): Promise<void> {
  const configs = KB_SOURCES.map((id) => ({ _id: id, urls: urls[id] ?? null, enabled: Boolean(urls[id]), authHeader: null, mirrored: [] }));
  await withConnection(uri, (connection) => connection.collection('kb_source_configs').insertMany(configs as never[]));
}
