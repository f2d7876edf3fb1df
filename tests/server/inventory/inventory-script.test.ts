import { describe, expect, it } from 'vitest';
import { osOf, parseInventoryScriptOutput, parseOsRelease } from '../../../server/inventory/inventory-script';

const output = (sections: Record<string, string[]>, end = true) =>
  [...Object.entries(sections).flatMap(([name, lines]) => [`### ${name}`, ...lines]), ...(end ? ['### end'] : [])].join('\n');

describe('os-release', () => {
  it('unquotes values and maps distributions to detection families', () => {
    expect(parseOsRelease(['NAME="Debian GNU/Linux"', "ID='debian'", 'VERSION_ID="12"', '# comment', 'garbage line'])).toEqual({ NAME: 'Debian GNU/Linux', ID: 'debian', VERSION_ID: '12' });
  });

  it.each([
    [{ ID: 'debian', VERSION_ID: '12', VERSION_CODENAME: 'bookworm' }, { family: 'debian', name: 'debian', version: '12', codename: 'bookworm' }],
    [{ ID: 'ubuntu', ID_LIKE: 'debian', VERSION_ID: '22.04', UBUNTU_CODENAME: 'jammy' }, { family: 'debian', name: 'ubuntu', version: '22.04', codename: 'jammy' }],
    [{ ID: 'alpine', VERSION_ID: '3.20.3' }, { family: 'alpine', name: 'alpine', version: '3.20.3' }],
    [{ ID: 'rocky', ID_LIKE: 'rhel centos fedora', VERSION_ID: '9.4' }, { family: 'rhel', name: 'rocky', version: '9.4' }],
    [{}, { family: 'unknown', name: 'unknown', version: '' }],
  ])('%o → %o', (release, os) => {
    expect(osOf(release)).toEqual(os);
  });
});

describe('inventory script output', () => {
  it('reads installed dpkg packages with their source package, skipping removed ones', () => {
    const { inventory, problems } = parseInventoryScriptOutput(
      output({
        hostname: ['web-01'],
        'os-release': ['ID=debian', 'VERSION_ID="12"', 'VERSION_CODENAME=bookworm'],
        kernel: ['6.1.0-18-amd64'],
        dpkg: ['ii \tlibssl3:amd64\t3.0.11-1~deb12u2\topenssl\t3.0.11-1~deb12u2\tamd64', 'rc \told-package\t1.0\t\t\tamd64', 'hi \tbash\t5.2.15-2+b2\tbash\t5.2.15-2\tamd64', 'ii \tzlib1g:amd64\t1:1.2.13.dfsg-1\t\t\tamd64'],
      }),
      'fallback',
    );
    expect(problems).toEqual([]);
    expect(inventory).toMatchObject({ host: 'web-01', kernel: '6.1.0-18-amd64', os: { family: 'debian', codename: 'bookworm' } });
    expect(inventory.packages).toEqual([
      { name: 'libssl3', version: '3.0.11-1~deb12u2', source: 'openssl', sourceVersion: '3.0.11-1~deb12u2', arch: 'amd64', ecosystem: 'deb' },
      { name: 'bash', version: '5.2.15-2+b2', source: 'bash', sourceVersion: '5.2.15-2', arch: 'amd64', ecosystem: 'deb' },
      { name: 'zlib1g', version: '1:1.2.13.dfsg-1', source: 'zlib1g', sourceVersion: '1:1.2.13.dfsg-1', arch: 'amd64', ecosystem: 'deb' },
    ]);
  });

  it('reads rpm packages as EVR with the source rpm name, ignoring gpg keys', () => {
    const { inventory } = parseInventoryScriptOutput(
      output({ 'os-release': ['ID="rocky"', 'ID_LIKE="rhel centos fedora"', 'VERSION_ID="9.4"'], rpm: ['openssl-libs\t1\t3.0.7\t27.el9\tx86_64\topenssl-3.0.7-27.el9.src.rpm', 'bash\t0\t5.1.8\t9.el9\tx86_64\tbash-5.1.8-9.el9.src.rpm', 'gpg-pubkey\t0\t8483c65d\t5ccc5b19\t(none)\t(none)'] }),
      'h',
    );
    expect(inventory.packages).toEqual([
      { name: 'openssl-libs', version: '1:3.0.7-27.el9', source: 'openssl', sourceVersion: '1:3.0.7-27.el9', arch: 'x86_64', ecosystem: 'rpm' },
      { name: 'bash', version: '5.1.8-9.el9', source: 'bash', sourceVersion: '5.1.8-9.el9', arch: 'x86_64', ecosystem: 'rpm' },
    ]);
  });

  it('reads the apk database with the origin as source package', () => {
    const { inventory, problems } = parseInventoryScriptOutput(
      output({ 'os-release': ['ID=alpine', 'VERSION_ID=3.20.3'], apk: ['C:Q1abc=', 'P:libcrypto3', 'V:3.3.2-r0', 'A:x86_64', 'o:openssl', '', 'P:musl', 'V:1.2.5-r0', 'A:x86_64', 'o:musl', '', 'V:1.0-r0', ''] }),
      'h',
    );
    expect(inventory.packages.map((p) => [p.name, p.version, p.source])).toEqual([
      ['libcrypto3', '3.3.2-r0', 'openssl'],
      ['musl', '1.2.5-r0', 'musl'],
    ]);
    expect(problems).toEqual([{ at: 'apk record at line 12', message: 'has no package name (P:) or version (V:)' }]);
  });

  it('lists the ports of listening TCP sockets from /proc/net/tcp and tcp6, once each', () => {
    const { listening, problems } = parseInventoryScriptOutput(
      output({
        'os-release': ['ID=debian'],
        listening: [
          '   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1613 1 00000000eef71ae9 100 0 0 10 0',
          '   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000   106        0 7290 1 00000000770e518f 100 0 0 10 0',
          '   2: 0100007F:1F91 0100007F:D2A4 01 00000000:00000000 00:00000000 00000000     0        0 7291 1 00000000770e5190 100 0 0 10 0',
          '   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1614 1 00000000eef71aea 100 0 0 10 0',
          'garbage',
        ],
      }),
      'h',
    );
    expect(listening).toEqual([22, 8080]);
    expect(problems).toEqual([]);
  });

  it('reports unknown systems, malformed lines and cut-short output instead of failing', () => {
    const { inventory, problems } = parseInventoryScriptOutput(output({ hostname: [''], dpkg: ['ii \tonly-a-name', 'garbage'] }, false), 'fallback-host');
    expect(inventory.host).toBe('fallback-host');
    expect(inventory.os.family).toBe('unknown');
    expect(problems.map((p) => p.at)).toEqual(['os-release', 'dpkg line 1', 'dpkg line 2', 'output']);
  });
});
