import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debianOvalImporter } from '../../../../server/kb/importers/debian-oval.importer';
import { readHead, readUpstreamText } from '../../../../server/kb/importers/open-upstream-file';
import type { KbContribution, KbImportProblem } from '../../../../server/kb/kb-types';
import { fixture } from '../../../helpers/fixtures';

const FILE = fixture('debian', 'oval-definitions-bookworm.subset.xml.bz2');
const DEF = (n: string) => `oval:org.debian:def:${n}`;

async function collect(filePath: string, fileName = path.basename(filePath)) {
  const problems: KbImportProblem[] = [];
  const contributions: KbContribution[] = [];
  for await (const c of debianOvalImporter.parse({ filePath, fileName, onProblem: (p) => problems.push(p) })) contributions.push(c);
  return { contributions, problems };
}

const byRecord = (contributions: KbContribution[], recordId: string) => contributions.find((c) => c.recordId === recordId);
const upstreamId = (c: KbContribution) => c.recordId.replace(/\/CVE-\d{4}-\d+$/, '');

let contributions: KbContribution[];
let problems: KbImportProblem[];
/** The decompressed document, for independent cross-checks with plain regular expressions. */
let raw: string;
let tmp: string;

beforeAll(async () => {
  ({ contributions, problems } = await collect(FILE));
  raw = await readUpstreamText(FILE);
  tmp = mkdtempSync(path.join(os.tmpdir(), 'vigil-debian-oval-'));
}, 120_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('debianOvalImporter.detect', () => {
  it('recognises the Debian OVAL file (bz2, judged on its decompressed head) and nothing else', async () => {
    expect(debianOvalImporter.detect({ fileName: path.basename(FILE), head: await readHead(FILE) })).toBe(true);
    const ubuntu = fixture('ubuntu', 'com.ubuntu.jammy.usn.oval.subset.xml');
    expect(debianOvalImporter.detect({ fileName: path.basename(ubuntu), head: await readHead(ubuntu) })).toBe(false);
    const dsa = fixture('debian', 'tracker-raw', 'DSA-list.subset');
    expect(debianOvalImporter.detect({ fileName: 'list', head: await readHead(dsa) })).toBe(false);
  }, 60_000); // readHead of a .bz2 runs unbzip2-stream (pure JS), seconds on this file
});

describe('debianOvalImporter on the bookworm subset', () => {
  it('reads every definition (README: 5680) and every source package (README: 646), with no problems', () => {
    expect(problems).toEqual([]);
    expect((raw.match(/<definition /g) ?? []).length).toBe(5680);
    expect(new Set(contributions.map(upstreamId)).size).toBe(5680);
    // 5675 single-CVE vulnerability definitions, DSA-5429-1 (13 CVEs) and DSA-5439-1 (2) split per
    // CVE, and three DSAs without CVEs.
    expect(contributions).toHaveLength(5675 + 13 + 2 + 3);
    expect(new Set(contributions.map((c) => c.recordId)).size).toBe(contributions.length);

    const packages = new Set(contributions.flatMap((c) => c.affected!.map((a) => a.package)));
    expect(packages.size).toBe(646);
    const objectNames = new Set([...raw.matchAll(/<dpkginfo_object [^>]*>\s*<name>([^<]+)<\/name>/g)].map((m) => m[1]));
    expect(packages).toEqual(objectNames);

    for (const c of contributions) {
      expect(c.source).toBe('debian-oval');
      expect(c.affected).toHaveLength(1);
      expect(c.affected![0]).toMatchObject({ ecosystem: 'deb', distro: 'debian', release: 'bookworm', sourcePackage: true });
    }
  });

  it('a "DPKG is earlier than 0" definition is not-affected, with no fixed version or range (CVE-2001-1534 apache2)', () => {
    expect(byRecord(contributions, DEF('71475824035904533640313774911074609996'))).toEqual({
      source: 'debian-oval',
      recordId: DEF('71475824035904533640313774911074609996'),
      key: 'CVE-2001-1534',
      aliases: ['CVE-2001-1534'],
      title: 'CVE-2001-1534 apache2',
      description:
        "mod_usertrack in Apache 1.3.11 through 1.3.20 generates session ID's using predictable information including host IP address, system time and server process ID, which allows local users to obtain session ID's and bypass authentication when these session ID's are used for authentication.",
      affected: [{ ecosystem: 'deb', distro: 'debian', release: 'bookworm', package: 'apache2', sourcePackage: true, status: 'not-affected' }],
    });
    const notAffected = contributions.filter((c) => c.affected![0]!.status === 'not-affected');
    expect(notAffected.length).toBe((raw.match(/ DPKG is earlier than 0"/g) ?? []).length);
  });

  it('sudo CVE-2021-3156: fixed in 1.9.5p1-1.1, field by field', () => {
    expect(byRecord(contributions, DEF('192636974861143474676754740343127022866'))).toEqual({
      source: 'debian-oval',
      recordId: DEF('192636974861143474676754740343127022866'),
      key: 'CVE-2021-3156',
      aliases: ['CVE-2021-3156'],
      title: 'CVE-2021-3156 sudo',
      description:
        'Sudo before 1.9.5p2 contains an off-by-one error that can result in a heap-based buffer overflow, which allows privilege escalation to root via "sudoedit -s" and a command-line argument that ends with a single backslash character.',
      affected: [
        {
          ecosystem: 'deb',
          distro: 'debian',
          release: 'bookworm',
          package: 'sudo',
          sourcePackage: true,
          status: 'fixed',
          fixedVersion: '1.9.5p1-1.1',
          ranges: [{ introduced: '0', fixed: '1.9.5p1-1.1' }],
        },
      ],
    });
    const sudo2023 = contributions.find((c) => c.key === 'CVE-2023-22809')!;
    expect(sudo2023.recordId).toBe(DEF('60330937715253936612221054322385670686'));
    expect(sudo2023.affected).toEqual([
      { ecosystem: 'deb', distro: 'debian', release: 'bookworm', package: 'sudo', sourcePackage: true, status: 'fixed', fixedVersion: '1.9.12p2-1', ranges: [{ introduced: '0', fixed: '1.9.12p2-1' }] },
    ]);
  });

  it('nginx CVE-2022-41741: fixed in 1.22.1-1', () => {
    const nginx = byRecord(contributions, DEF('148964986088161740616816469587925661602'))!;
    expect(nginx.key).toBe('CVE-2022-41741');
    expect(nginx.aliases).toEqual(['CVE-2022-41741']);
    expect(nginx.title).toBe('CVE-2022-41741 nginx');
    expect(nginx.description).toMatch(/^NGINX Open Source before versions 1\.23\.2 and 1\.22\.1, .* with the module ngx_http_mp4_module\.$/);
    expect(nginx.published).toBeUndefined();
    expect(nginx.affected).toEqual([
      { ecosystem: 'deb', distro: 'debian', release: 'bookworm', package: 'nginx', sourcePackage: true, status: 'fixed', fixedVersion: '1.22.1-1', ranges: [{ introduced: '0', fixed: '1.22.1-1' }] },
    ]);
  });

  it('drops the explicit 0: epoch of debian_evr_string states and keeps real epochs', () => {
    // <evr …>0:2.5.7-1</evr> (CVE-1999-0710 squid) and <evr …>1:3.3.4-1</evr> (CVE-2000-1219 gcc-3.3)
    expect(raw).toContain('>0:2.5.7-1</evr>');
    expect(byRecord(contributions, DEF('235219172302950797077809285042175390515'))!.affected![0]!.fixedVersion).toBe('2.5.7-1');
    expect(byRecord(contributions, DEF('129546325307286332647603852062540430177'))!.affected![0]!.fixedVersion).toBe('1:3.3.4-1');
  });

  it('splits a DSA definition naming several CVEs into one contribution per CVE (DSA-5429-1 wireshark)', () => {
    const def = DEF('26544119869075832116022113581056386302');
    const dsa = contributions.filter((c) => upstreamId(c) === def);
    const cves = [...raw.matchAll(/<reference source="CVE" ref_id="(CVE-2023-\d+)"/g)].map((m) => m[1]);
    expect(dsa.map((c) => c.key)).toEqual(['CVE-2023-0666', 'CVE-2023-0668', 'CVE-2023-1161', 'CVE-2023-1992', 'CVE-2023-1993', 'CVE-2023-1994', 'CVE-2023-2854', 'CVE-2023-2855', 'CVE-2023-2856', 'CVE-2023-2857', 'CVE-2023-2858', 'CVE-2023-2879', 'CVE-2023-2952']);
    for (const key of dsa.map((c) => c.key)) expect(cves).toContain(key);
    expect(dsa[0]).toEqual({
      source: 'debian-oval',
      recordId: `${def}/CVE-2023-0666`,
      key: 'CVE-2023-0666',
      aliases: ['CVE-2023-0666', 'DSA-5429-1'],
      title: 'DSA-5429-1 wireshark',
      description: 'Multiple vulnerabilities have been discocvered in Wireshark, a network protocol analyzer which could result in denial of service or the execution of arbitrary code.',
      published: '2023-06-15',
      affected: [
        {
          ecosystem: 'deb',
          distro: 'debian',
          release: 'bookworm',
          package: 'wireshark',
          sourcePackage: true,
          status: 'fixed',
          fixedVersion: '4.0.6-1~deb12u1',
          ranges: [{ introduced: '0', fixed: '4.0.6-1~deb12u1' }],
          advisory: 'DSA-5429-1',
        },
      ],
    });
    // The per-CVE vulnerability definition says <dsa>DSA-5429</dsa>; the alias gets the DSA's full id.
    const perCve = contributions.find((c) => c.key === 'CVE-2023-0666' && c.title === 'CVE-2023-0666 wireshark')!;
    expect(perCve.aliases).toEqual(['CVE-2023-0666', 'DSA-5429-1']);
    expect(perCve.affected![0]!.advisory).toBe('DSA-5429-1');
  });

  it('keys a DSA definition without CVEs on the DSA id (DSA-5425-1 php8.2)', () => {
    expect(byRecord(contributions, DEF('122124163229799557962667338422409684431'))).toMatchObject({
      key: 'DSA-5425-1',
      aliases: ['DSA-5425-1'],
      title: 'DSA-5425-1 php8.2',
      published: '2023-06-13',
      description: expect.stringMatching(/^It was discovered that PHP's implementation of SOAP HTTP Digest authentication/),
      affected: [expect.objectContaining({ package: 'php8.2', fixedVersion: '8.2.7-1~deb12u1', advisory: 'DSA-5425-1' })],
    });
  });

  it('agrees with the criterion comments ("<pkg> DPKG is earlier than <version>") of every definition in the raw text', () => {
    // Independent of the test → object → state resolution: read the comments with a regex.
    const stated = new Map<string, { pkg: string; version: string }>();
    for (const m of raw.matchAll(/<definition id="([^"]+)"[\s\S]*?comment="(\S+) DPKG is earlier than ([^"]+)"[\s\S]*?<\/definition>/g)) {
      stated.set(m[1]!, { pkg: m[2]!, version: m[3]! });
    }
    expect(stated.size).toBe(5680);
    for (const c of contributions) {
      const expected = stated.get(upstreamId(c))!;
      const affected = c.affected![0]!;
      expect(affected.package).toBe(expected.pkg);
      expect(affected.fixedVersion ?? '0').toBe(expected.version);
    }
    // A handful, spelled out.
    const spot: [string, string][] = [
      ['CVE-2022-41742', '1.22.1-1'],
      ['CVE-2021-23017', '1.18.0-6.1'],
      ['CVE-2023-28486', '1.9.13p1-1'],
      ['CVE-2023-27320', '1.9.13p3-1'],
    ];
    for (const [cve, version] of spot) {
      expect(raw).toMatch(new RegExp(`<title>${cve} (nginx|sudo)</title>[\\s\\S]*?DPKG is earlier than ${version.replace(/\./g, '\\.')}"`));
      expect(contributions.find((c) => c.key === cve)!.affected![0]!.fixedVersion).toBe(version);
    }
  });
});

describe('debianOvalImporter on hostile and damaged files', () => {
  const write = (name: string, content: string | Buffer) => {
    const file = path.join(tmp, name);
    writeFileSync(file, content);
    return file;
  };

  it('refuses a billion-laughs document before reading definitions, naming the file', async () => {
    const lol = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE oval_definitions [',
      ' <!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`),
      ']>',
      // A real definition follows: it must never be reached.
      raw.slice(raw.indexOf('<oval_definitions'), raw.indexOf('</definition>') + '</definition>'.length),
      '<description>&lol9;</description></definitions></oval_definitions>',
    ].join('\n');
    const file = write('billion-laughs.xml', lol);
    const seen: KbImportProblem[] = [];
    const yielded: KbContribution[] = [];
    await expect(
      (async () => {
        for await (const c of debianOvalImporter.parse({ filePath: file, fileName: 'billion-laughs.xml', onProblem: (p) => seen.push(p) })) yielded.push(c);
      })(),
    ).rejects.toThrow(/^billion-laughs\.xml: refused: .*DOCTYPE.*internal subset/);
    expect(yielded).toEqual([]);
    expect(seen).toEqual([]);
  });

  it('refuses external entities and undeclared entity references', async () => {
    const xxe = write('xxe.xml', '<?xml version="1.0"?>\n<!DOCTYPE oval_definitions SYSTEM "file:///etc/passwd">\n<oval_definitions/>');
    await expect(collect(xxe)).rejects.toThrow(/^xxe\.xml: refused: .*external entities/);
    const undeclared = write('undeclared.xml', '<?xml version="1.0"?>\n<oval_definitions><definitions><definition id="x"><metadata><title>&xxe;</title></metadata></definition></definitions></oval_definitions>');
    await expect(collect(undeclared)).rejects.toThrow(/^undeclared\.xml: invalid XML: .*undefined entity/);
  });

  it('reports a truncated .xml as an error naming the file', async () => {
    const file = write('oval-definitions-bookworm.truncated.xml', raw.slice(0, Math.floor(raw.length * 0.4)));
    await expect(collect(file)).rejects.toThrow(/^oval-definitions-bookworm\.truncated\.xml: truncated XML: the document ends inside <\w+>/);
  }, 60_000);

  it('reports a truncated .bz2 as an error naming the file', async () => {
    const bytes = readFileSync(FILE);
    const file = write('oval-definitions-bookworm.truncated.xml.bz2', bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(collect(file)).rejects.toThrow(/^oval-definitions-bookworm\.truncated\.xml\.bz2: cannot decompress \(bzip2\): .*\(damaged or truncated file\)$/);
  }, 60_000);

  it('refuses a document that is not OVAL, and an empty one', async () => {
    await expect(collect(write('other.xml', '<?xml version="1.0"?><rss><channel/></rss>'))).rejects.toThrow(/^other\.xml: not an OVAL definitions document \(root element <rss>\)/);
    await expect(collect(write('empty.xml', ''))).rejects.toThrow(/^empty\.xml: /);
  });

  it('skips, as problems, the definitions whose test or state is missing; the rest still import', async () => {
    // Test tst:4 is squid CVE-1999-0710's; state ste:14343 is sudo CVE-2021-3156's (through tst:20780).
    const withoutTest = raw.replace(/<dpkginfo_test id="oval:org\.debian\.oval:tst:4" [\s\S]*?<\/dpkginfo_test>/, '');
    const damaged = withoutTest.replace(/<dpkginfo_state id="oval:org\.debian\.oval:ste:14343" [\s\S]*?<\/dpkginfo_state>/, '');
    expect(damaged.length).toBeLessThan(raw.length - 400);
    const file = write('dangling.xml', damaged);
    const result = await collect(file);
    const byTest = (ref: string) => [...raw.matchAll(new RegExp(`<definition id="([^"]+)"(?:(?!</definition>)[\\s\\S])*?test_ref="${ref}"`, 'g'))].map((m) => m[1]);
    const broken = [...byTest('oval:org\\.debian\\.oval:tst:4'), ...byTest('oval:org\\.debian\\.oval:tst:20780')];
    expect(broken).toHaveLength(2);
    expect(broken).toContain(DEF('235219172302950797077809285042175390515'));
    expect(broken).toContain(DEF('192636974861143474676754740343127022866'));
    expect(result.problems.map((p) => p.record).sort()).toEqual([...broken].sort());
    for (const p of result.problems) {
      expect(p.file).toBe('dangling.xml');
      expect(p.message).toMatch(/(test oval:org\.debian\.oval:tst:4|state oval:org\.debian\.oval:ste:14343), which is not in the file; definition skipped/);
    }
    expect(new Set(result.contributions.map(upstreamId)).size).toBe(5680 - 2);
    for (const id of broken) expect(result.contributions.some((c) => upstreamId(c) === id)).toBe(false);
  }, 60_000);
});
