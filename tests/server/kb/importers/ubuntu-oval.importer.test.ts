import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHead } from '../../../../server/kb/importers/open-upstream-file';
import { ubuntuOvalImporter } from '../../../../server/kb/importers/ubuntu-oval.importer';
import type { KbContribution, KbImportProblem } from '../../../../server/kb/kb-types';
import { fixture } from '../../../helpers/fixtures';

const FILE = fixture('ubuntu', 'com.ubuntu.jammy.usn.oval.subset.xml');
const raw = readFileSync(FILE, 'utf8');

async function collect(filePath: string, fileName = path.basename(filePath)) {
  const problems: KbImportProblem[] = [];
  const contributions: KbContribution[] = [];
  for await (const c of ubuntuOvalImporter.parse({ filePath, fileName, onProblem: (p) => problems.push(p) })) contributions.push(c);
  return { contributions, problems };
}

const notice = (c: KbContribution) => c.aliases[0]!;
const ofNotice = (contributions: KbContribution[], id: string) => contributions.filter((c) => notice(c) === id);
const jammy = (pkg: string, version: string, advisory: string) => ({
  ecosystem: 'deb',
  distro: 'ubuntu',
  release: 'jammy',
  package: pkg,
  sourcePackage: false,
  status: 'fixed',
  fixedVersion: version,
  ranges: [{ introduced: '0', fixed: version }],
  advisory,
});

let contributions: KbContribution[];
let problems: KbImportProblem[];
let tmp: string;

beforeAll(async () => {
  ({ contributions, problems } = await collect(FILE));
  tmp = mkdtempSync(path.join(os.tmpdir(), 'vigil-ubuntu-oval-'));
}, 60_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const write = (name: string, content: string) => {
  const file = path.join(tmp, name);
  writeFileSync(file, content);
  return file;
};

describe('ubuntuOvalImporter.detect', () => {
  it('recognises Canonical USN OVAL and not the Debian OVAL or tracker files', async () => {
    expect(ubuntuOvalImporter.detect({ fileName: path.basename(FILE), head: await readHead(FILE) })).toBe(true);
    const dsa = fixture('debian', 'tracker-raw', 'DSA-list.subset');
    expect(ubuntuOvalImporter.detect({ fileName: 'list', head: await readHead(dsa) })).toBe(false);
    const debianHead = '<?xml version=\'1.0\' encoding=\'UTF-8\'?>\n<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5">\n  <generator>\n    <oval:product_name>Debian</oval:product_name>';
    expect(ubuntuOvalImporter.detect({ fileName: 'oval-definitions-bookworm.xml', head: debianHead })).toBe(false);
  });
});

describe('ubuntuOvalImporter on the jammy USN subset', () => {
  it('reads every USN/LSN definition (README: 194) and skips the inventory definition', () => {
    expect(problems).toEqual([]);
    expect((raw.match(/<definition /g) ?? []).length).toBe(195);
    const inRaw = new Set([...raw.matchAll(/<reference source="USN" [^>]*ref_id="([^"]+)"/g)].map((m) => m[1]));
    expect(inRaw.size).toBe(194);
    const notices = new Set(contributions.map(notice));
    expect(notices).toEqual(inRaw);
    expect([...notices].filter((id) => id.startsWith('LSN-'))).toEqual(['LSN-0086-1', 'LSN-0089-1', 'LSN-0091-1']);
    expect(contributions.some((c) => c.recordId.includes('def:100') || /jammy\) is installed/.test(c.title ?? ''))).toBe(false);
    // One contribution per (notice, CVE): 751 CVE references, plus 6 notices without CVEs.
    expect(contributions).toHaveLength((raw.match(/<reference source="CVE"/g) ?? []).length + 6);
    expect(new Set(contributions.map((c) => c.recordId)).size).toBe(contributions.length);
    for (const c of contributions) {
      expect(c.source).toBe('ubuntu-oval');
      expect(c.recordId).toBe(c.key.startsWith('CVE-') ? `${notice(c)}/${c.key}` : notice(c));
      for (const a of c.affected ?? []) expect(a).toMatchObject({ ecosystem: 'deb', distro: 'ubuntu', release: 'jammy', sourcePackage: false, status: 'fixed', advisory: notice(c) });
    }
  });

  it('USN-5811-1 (sudo, two CVEs), field by field', () => {
    const usn = ofNotice(contributions, 'USN-5811-1');
    expect(usn.map((c) => c.recordId)).toEqual(['USN-5811-1/CVE-2022-33070', 'USN-5811-1/CVE-2023-22809']);
    expect(usn[1]).toEqual({
      source: 'ubuntu-oval',
      recordId: 'USN-5811-1/CVE-2023-22809',
      key: 'CVE-2023-22809',
      aliases: ['USN-5811-1', 'CVE-2023-22809'],
      title: 'USN-5811-1 -- Sudo vulnerabilities',
      description:
        'Matthieu Barjole and Victor Cutillas discovered that Sudo incorrectly handled user-specified editors when using the sudoedit command. A local attacker that has permission to use the sudoedit command could possibly use this issue to edit arbitrary files. (CVE-2023-22809)  It was discovered that the Protobuf-c library, used by Sudo, incorrectly handled certain arithmetic shifts. An attacker could possibly use this issue to cause Sudo to crash, resulting in a denial of service. This issue only affected Ubuntu 22.04 LTS. (CVE-2022-33070)',
      published: '2023-01-18',
      affected: [jammy('sudo', '1.9.9-1ubuntu2.2', 'USN-5811-1'), jammy('sudo-ldap', '1.9.9-1ubuntu2.2', 'USN-5811-1')],
    });
    expect(usn[0]).toEqual({ ...usn[1], recordId: 'USN-5811-1/CVE-2022-33070', key: 'CVE-2022-33070', aliases: ['USN-5811-1', 'CVE-2022-33070'] });
  });

  it('USN-5710-1 (OpenSSL, three CVEs) and the two earlier OpenSSL USNs', () => {
    const usn = ofNotice(contributions, 'USN-5710-1');
    expect(usn.map((c) => c.key)).toEqual(['CVE-2022-3358', 'CVE-2022-3602', 'CVE-2022-3786']);
    for (const c of usn) {
      expect(c.title).toBe('USN-5710-1 -- OpenSSL vulnerabilities');
      expect(c.published).toBe('2022-11-01');
      expect(c.affected).toEqual(['libssl-dev', 'libssl-doc', 'libssl3', 'openssl'].map((p) => jammy(p, '3.0.2-0ubuntu1.7', 'USN-5710-1')));
    }
    expect(ofNotice(contributions, 'USN-5488-1').map((c) => [c.key, c.affected!.find((a) => a.package === 'openssl')!.fixedVersion])).toEqual([['CVE-2022-2068', '3.0.2-0ubuntu1.5']]);
    expect(ofNotice(contributions, 'USN-5502-1').map((c) => [c.key, c.affected!.find((a) => a.package === 'openssl')!.fixedVersion])).toEqual([['CVE-2022-2097', '3.0.2-0ubuntu1.6']]);
  });

  it('USN-5722-1 (nginx): every binary package of the constant variable, fixed in 1.18.0-6ubuntu14.3', () => {
    const usn = ofNotice(contributions, 'USN-5722-1');
    expect(usn.map((c) => c.key)).toEqual(['CVE-2022-41741', 'CVE-2022-41742']);
    const packages = usn[0]!.affected!.map((a) => a.package);
    expect(packages).toHaveLength(28);
    expect(packages).toEqual(expect.arrayContaining(['nginx', 'nginx-common', 'nginx-core', 'nginx-full', 'libnginx-mod-http-geoip2']));
    expect(new Set(usn[0]!.affected!.map((a) => a.fixedVersion))).toEqual(new Set(['1.18.0-6ubuntu14.3']));
    expect(usn[0]!.description).toBe(
      'It was discovered that nginx incorrectly handled certain memory operations in the ngx_http_mp4_module module. A local attacker could possibly use this issue with a specially crafted mp4 file to cause nginx to crash, stop responding, or access arbitrary memory. (CVE-2022-41741, CVE-2022-41742)',
    );
  });

  it('kernel and Livepatch notices keep their CVE ↔ notice links but state no package ranges', () => {
    const kernel = ofNotice(contributions, 'USN-5390-1');
    expect(kernel.map((c) => c.key)).toEqual(['CVE-2022-1015', 'CVE-2022-1016', 'CVE-2022-26490']);
    expect(kernel[0]).toMatchObject({ title: 'USN-5390-1 -- Linux kernel vulnerabilities', published: '2022-04-26', affected: [] });
    expect(kernel[0]!.description).toMatch(/^David Bouman discovered .*\(CVE-2022-26490\)$/);
    const lsn = ofNotice(contributions, 'LSN-0086-1');
    expect(lsn).toHaveLength(7);
    expect(lsn[0]).toMatchObject({ title: 'LSN-0086-1 -- Kernel Live Patch Security Notice', affected: [] });
    expect(lsn[0]!.description).not.toMatch(/canonical-livepatch status/);
    const withoutPackages = new Set(contributions.filter((c) => c.affected!.length === 0).map(notice));
    expect(withoutPackages.size).toBe(36 + 3);
  });

  it('agrees with every "Update Instructions" package list in the raw USN texts', () => {
    // Independent of test → object → variable → state: the versions as the USN prose lists them.
    let checked = 0;
    for (const m of raw.matchAll(/<definition [^>]*class="patch">[\s\S]*?ref_id="((?:USN|LSN)-\d+-\d+)"[\s\S]*?<description>([\s\S]*?)<\/description>/g)) {
      const at = m[2]!.indexOf('following package versions:');
      if (at === -1) continue;
      const listed = new Map([...m[2]!.slice(at).matchAll(/ (\S+) - (\S+)/g)].map((p) => [p[1]!, p[2]!]));
      const affected = ofNotice(contributions, m[1]!)[0]!.affected!;
      for (const a of affected) {
        expect(listed.get(a.package), `${m[1]} ${a.package}`).toBe(a.fixedVersion);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(2000);
    // A handful, spelled out against the raw states.
    expect(raw).toContain('<linux:evr datatype="debian_evr_string" operation="less than">0:1.9.9-1ubuntu2.2</linux:evr>');
    expect(raw).toMatch(/sudo-ldap - 1\.9\.9-1ubuntu2\.2 /);
    expect(raw).toMatch(/ openssl - 3\.0\.2-0ubuntu1\.7 /);
    expect(raw).toMatch(/ nginx-core - 1\.18\.0-6ubuntu14\.3 /);
  });

  it('takes CVSS from <advisory><cve> elements when the file has them (newer Canonical files)', async () => {
    const cve =
      '<cve href="https://ubuntu.com/security/CVE-2023-22809" priority="medium" public="20230118" cvss_score="7.8" cvss_vector="CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H" cvss_severity="high" usns="5811-1">CVE-2023-22809</cve>';
    const withCve = raw.replace('<issued date="2023-01-18"/>', `<issued date="2023-01-18"/>\n${cve}`);
    expect(withCve).not.toBe(raw);
    const result = await collect(write('com.ubuntu.jammy.usn.oval.cvss.xml', withCve));
    expect(result.problems).toEqual([]);
    const sudo = ofNotice(result.contributions, 'USN-5811-1');
    expect(sudo.find((c) => c.key === 'CVE-2023-22809')!.cvss).toEqual([
      { version: '3.1', vector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', baseScore: 7.8, severity: 'HIGH', scoredBy: 'ubuntu' },
    ]);
    expect(sudo.find((c) => c.key === 'CVE-2022-33070')!.cvss).toBeUndefined();
    expect(contributions.some((c) => c.cvss)).toBe(false);
  });
});

describe('ubuntuOvalImporter on hostile and damaged files', () => {
  it('refuses a billion-laughs document, naming the file, before yielding anything', async () => {
    const entities = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('\n');
    const lol = `<?xml version="1.0"?>\n<!DOCTYPE oval_definitions [\n<!ENTITY lol "lol">\n${entities}\n]>\n${raw.replace('<title>USN-5811-1 -- Sudo vulnerabilities</title>', '<title>&lol9;</title>')}`;
    const file = write('com.ubuntu.jammy.usn.oval.lol.xml', lol);
    await expect(collect(file)).rejects.toThrow(/^com\.ubuntu\.jammy\.usn\.oval\.lol\.xml: refused: .*DOCTYPE.*internal subset/);
  });

  it('reports a truncated file as an error naming it', async () => {
    const file = write('com.ubuntu.jammy.usn.oval.truncated.xml', raw.slice(0, Math.floor(raw.length * 0.7)));
    await expect(collect(file)).rejects.toThrow(/^com\.ubuntu\.jammy\.usn\.oval\.truncated\.xml: truncated XML: the document ends inside <[\w:]+>/);
  });

  it('skips, as problems, the USNs whose state or package variable is missing; the rest still import', async () => {
    const damaged = raw
      .replace(/<linux:dpkginfo_state id="oval:com\.ubuntu\.jammy:ste:572210000000"[\s\S]*?<\/linux:dpkginfo_state>/, '')
      .replace(/<constant_variable id="oval:com\.ubuntu\.jammy:var:581110000000"[\s\S]*?<\/constant_variable>/, '');
    expect(damaged.length).toBeLessThan(raw.length - 300);
    const result = await collect(write('com.ubuntu.jammy.usn.oval.dangling.xml', damaged));
    expect(result.problems).toEqual([
      {
        file: 'com.ubuntu.jammy.usn.oval.dangling.xml',
        record: 'USN-5722-1',
        message: 'test oval:com.ubuntu.jammy:tst:572210000000 references state oval:com.ubuntu.jammy:ste:572210000000, which is not in the file; USN-5722-1 skipped',
      },
      {
        file: 'com.ubuntu.jammy.usn.oval.dangling.xml',
        record: 'USN-5811-1',
        message: 'object oval:com.ubuntu.jammy:obj:581110000000 references variable oval:com.ubuntu.jammy:var:581110000000, which is not in the file; USN-5811-1 skipped',
      },
    ]);
    expect(new Set(result.contributions.map(notice)).size).toBe(192);
    expect(ofNotice(result.contributions, 'USN-5722-1')).toEqual([]);
    expect(ofNotice(result.contributions, 'USN-5710-1')).toEqual(ofNotice(contributions, 'USN-5710-1'));
  });
});
