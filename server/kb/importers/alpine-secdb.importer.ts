import type { KbAffectedPackage, KbContribution, KbImporter, KbImportProblem } from '../kb-types';
import { readUpstreamText } from './open-upstream-file';
import { CVE_ID } from './importer-utils';

/**
 * Alpine secdb (secdb.alpinelinux.org/<release>/<repo>.json): for one release and repository,
 * `packages[].pkg { name, secfixes { "<fixed version>": ["CVE-…", "CVE-… XSA-…", …] } }`, the
 * `secfixes` blocks of the APKBUILDs.
 *
 * One contribution per (package, vulnerability id): key = the CVE id, recordId
 * `${distroversion}/${reponame}/${package}/${key}`, status 'fixed' with range
 * `[introduced 0, fixed <version>)`. The version "0" means "never affected in this release"
 * (status 'not-affected', no ranges).
 *
 * Secfixes lines:
 * - A line may carry several ids: `CVE-2018-3620 XSA-273`. Each CVE on the line is a key of its
 *   own; the non-CVE ids on the line are aliases of those CVEs. Other CVEs on the same line are
 *   not aliases of each other (they are different vulnerabilities fixed by one patch).
 * - A line with no valid CVE but another vulnerability id (XSA-248, GHSA-…, RUSTSEC-…,
 *   ZDI-CAN-22300, TS-2024-005, ALPINE-13661 — Alpine's own issue numbers, DW202402-001 —
 *   libdwarf's advisory ids) becomes a key of its own: that is how kb-types keys a
 *   vulnerability without a CVE, and dropping it would lose a real security fix. If such a line
 *   holds several ids, the first one is the key and the rest are aliases.
 * - A token that starts with `CVE-` but is not `CVE-YYYY-NNNN+` (real data: `CVE-46838`, the
 *   placeholder `CVE-????-?????`) is reported as a problem and ignored; the rest of the line
 *   still counts. Text that is no identifier at all is reported and ignored.
 * - A version key that is not apk syntax (croc "10.0.11-0", opensmtpd "6.6.2p1-r0") is kept as
 *   written and reported.
 * - The same id listed under two versions of one package (real data: chromium CVE-2022-2163
 *   under 103.0.5060.53-r0 and 103.0.5060.134-r0, dotnet6-runtime 6.0.22-r0/6.0.24-r0,
 *   libarchive 3.7.4-r0/3.7.5-r0, thunderbird 102.0-r0/102.1.0-r0): the LOWEST version (apk
 *   version order) is kept. Secfixes records the first release that fixed the issue; a later
 *   listing is a re-fix or a copy-paste when a later bulk update re-lists CVEs, and those
 *   first fixes match upstream's own fixed releases. The rule is not perfect: runc lists
 *   CVE-2023-27561 under 1.1.4-r0 and 1.1.4-r7, while upstream fixed it only in 1.1.5 ("runc
 *   through 1.1.4", NVD), so there the later entry is the real backport. "0" sorts lowest, so
 *   "not affected" wins over a fixed version.
 */

const SOURCE = 'alpine-secdb' as const;
const MAX_FILE_BYTES = 256 * 1024 * 1024;

/** Another id scheme: an upper-case prefix, a dash, and something with a digit (XSA-248, GHSA-x-y-z, DW202402-001). */
const OTHER_ID = /^[A-Z][A-Z0-9]*(?:-[A-Za-z0-9]+)+$/;
const PACKAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9+._-]*$/;
const MAX_TOKEN = 100;

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (value: Json): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

function describe(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

// ---------------------------------------------------------------------------------------------
// apk version order (apk-tools version.c): numeric components, an optional letter, suffixes
// (_alpha < _beta < _pre < _rc < none < _cvs < _svn < _git < _hg < _p, each with an optional
// number), an optional ~commit hash (ignored), then -rN.

const SUFFIX_RANK: Record<string, number> = { alpha: -4, beta: -3, pre: -2, rc: -1, cvs: 1, svn: 2, git: 3, hg: 4, p: 5 };
const APK_VERSION = /^(\d+(?:\.\d+)*)([a-z]?)((?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)\d*)*)(?:~[0-9a-f]+)?(?:-r(\d+))?$/;

interface ApkVersion {
  numbers: string[];
  letter: string;
  suffixes: { rank: number; number: bigint }[];
  revision: bigint;
}

function parseApkVersion(version: string): ApkVersion | null {
  const match = APK_VERSION.exec(version);
  if (!match) return null;
  const suffixes = [...(match[3] ?? '').matchAll(/_([a-z]+)(\d*)/g)].map((m) => ({ rank: SUFFIX_RANK[m[1]!]!, number: BigInt(m[2] || '0') }));
  return { numbers: match[1]!.split('.'), letter: match[2] ?? '', suffixes, revision: match[4] === undefined ? -1n : BigInt(match[4]) };
}

const sign = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

function compareComponent(a: string, b: string, first: boolean): number {
  // apk compares later components with a leading zero as decimal fractions (1.01 < 1.1).
  if (!first && (a.startsWith('0') || b.startsWith('0'))) return a < b ? -1 : a > b ? 1 : 0;
  return sign(BigInt(a), BigInt(b));
}

/** apk version comparison; falls back to plain string order when either version is not apk syntax. */
export function compareApkVersions(a: string, b: string): number {
  const va = parseApkVersion(a);
  const vb = parseApkVersion(b);
  if (!va || !vb) return a < b ? -1 : a > b ? 1 : 0;
  const common = Math.min(va.numbers.length, vb.numbers.length);
  for (let i = 0; i < common; i++) {
    const c = compareComponent(va.numbers[i]!, vb.numbers[i]!, i === 0);
    if (c !== 0) return c;
  }
  // 1.2.1 > 1.2a > 1.2_p1 > 1.2 > 1.2_rc1: more components win.
  if (va.numbers.length !== vb.numbers.length) return va.numbers.length > vb.numbers.length ? 1 : -1;
  if (va.letter !== vb.letter) {
    if (!va.letter) return -1;
    if (!vb.letter) return 1;
    return va.letter < vb.letter ? -1 : 1;
  }
  const suffixes = Math.max(va.suffixes.length, vb.suffixes.length);
  for (let i = 0; i < suffixes; i++) {
    const sa = va.suffixes[i];
    const sb = vb.suffixes[i];
    if (!sa) return sb!.rank < 0 ? 1 : -1;
    if (!sb) return sa.rank < 0 ? -1 : 1;
    if (sa.rank !== sb.rank) return sa.rank < sb.rank ? -1 : 1;
    const c = sign(sa.number, sb.number);
    if (c !== 0) return c;
  }
  return sign(va.revision, vb.revision);
}

// ---------------------------------------------------------------------------------------------

interface Fix {
  version: string;
  aliases: Set<string>;
}

/** The ids on one secfixes line, as keys (with their aliases). */
function idsOfLine(line: string, report: (message: string) => void): { key: string; aliases: string[] }[] {
  const cves: string[] = [];
  const others: string[] = [];
  for (const token of line.trim().split(/\s+/)) {
    if (!token) continue;
    const id = token.slice(0, MAX_TOKEN);
    if (/^CVE-/i.test(id)) {
      const upper = id.toUpperCase();
      if (CVE_ID.test(upper)) cves.push(upper);
      else report(`"${id}" is not a valid CVE id; ignored`);
    } else if (OTHER_ID.test(id) && /\d/.test(id)) others.push(id);
    else report(`"${id}" is not a vulnerability id; ignored`);
  }
  const uniqueCves = [...new Set(cves)];
  const uniqueOthers = [...new Set(others)];
  if (uniqueCves.length > 0) return uniqueCves.map((cve) => ({ key: cve, aliases: [cve, ...uniqueOthers] }));
  if (uniqueOthers.length > 0) return [{ key: uniqueOthers[0]!, aliases: uniqueOthers }];
  return [];
}

function packageContributions(entry: Json, index: number, release: string, repository: string, file: string, onProblem: (problem: KbImportProblem) => void): KbContribution[] {
  const pkg = isObject(entry) ? entry.pkg : undefined;
  const name = isObject(pkg) && typeof pkg.name === 'string' ? pkg.name.trim() : '';
  if (!isObject(pkg) || !name || !PACKAGE_NAME.test(name) || name.length > 200) {
    onProblem({ file, record: `packages[${index}]`, message: 'entry without a valid "pkg.name"; skipped' });
    return [];
  }
  const secfixes = pkg.secfixes;
  if (!isObject(secfixes)) {
    onProblem({ file, record: name, message: secfixes === undefined ? '"secfixes" is missing; package skipped' : `"secfixes" is ${describe(secfixes)}, not an object; package skipped` });
    return [];
  }

  const fixes = new Map<string, Fix>();
  for (const [rawVersion, lines] of Object.entries(secfixes)) {
    const version = rawVersion.trim();
    const where = `${name} ${version.slice(0, 60)}`;
    if (!version || /\s/.test(version) || version.length > 128) {
      onProblem({ file, record: name, message: `secfixes version "${rawVersion.slice(0, 60)}" is not a version; ignored` });
      continue;
    }
    // Real data has typos (croc "10.0.11-0", opensmtpd "6.6.2p1-r0"): kept as written, since it
    // is what the secdb says, but reported, as apk version comparison cannot order them reliably.
    if (version !== '0' && !parseApkVersion(version)) onProblem({ file, record: where, message: `secfixes version "${version}" is not apk version syntax; kept as written` });
    if (!Array.isArray(lines)) {
      onProblem({ file, record: where, message: `secfixes entry is ${describe(lines)}, not a list; ignored` });
      continue;
    }
    for (const line of lines) {
      if (typeof line !== 'string') {
        onProblem({ file, record: where, message: `secfixes line is ${describe(line)}, not a string; ignored` });
        continue;
      }
      let reported = false;
      const ids = idsOfLine(line, (message) => {
        reported = true;
        onProblem({ file, record: where, message });
      });
      if (ids.length === 0 && !reported && line.trim()) onProblem({ file, record: where, message: `secfixes line "${line.trim().slice(0, 80)}" names no vulnerability; ignored` });
      for (const { key, aliases } of ids) {
        const existing = fixes.get(key);
        if (!existing) {
          fixes.set(key, { version, aliases: new Set(aliases) });
          continue;
        }
        // Same id under two versions: keep the first fixed release (see top of file).
        if (compareApkVersions(version, existing.version) < 0) existing.version = version;
        for (const alias of aliases) existing.aliases.add(alias);
      }
    }
  }

  return [...fixes].map(([key, fix]) => {
    const notAffected = fix.version === '0';
    const affected: KbAffectedPackage = notAffected
      ? { ecosystem: 'apk', distro: 'alpine', release, repository, package: name, status: 'not-affected' }
      : { ecosystem: 'apk', distro: 'alpine', release, repository, package: name, status: 'fixed', fixedVersion: fix.version, ranges: [{ introduced: '0', fixed: fix.version }] };
    return { source: SOURCE, recordId: `${release}/${repository}/${name}/${key}`, key, aliases: [...fix.aliases], affected: [affected] };
  });
}

export function detectAlpineSecdb(fileName: string, head: string): boolean {
  if (!/\.json(\.gz|\.bz2)?$/i.test(fileName)) return false;
  const text = head.replace(/^\uFEFF/, '').trimStart();
  return text.startsWith('{') && /"distroversion"\s*:/.test(text) && /"(reponame|packages|secfixes)"\s*:/.test(text);
}

export const alpineSecdbImporter: KbImporter = {
  format: 'alpine-secdb',
  source: SOURCE,
  detect: ({ fileName, head }) => detectAlpineSecdb(fileName, head),
  async *parse({ filePath, fileName, onProblem }) {
    const text = await readUpstreamText(filePath, MAX_FILE_BYTES);
    let document: Json;
    try {
      document = JSON.parse(text.replace(/^\uFEFF/, '')) as Json;
    } catch (error) {
      throw new Error(`${fileName}: not valid JSON: ${(error as Error).message.split('\n')[0]}`);
    }
    if (!isObject(document)) throw new Error(`${fileName}: not an Alpine secdb file (top level is ${describe(document)}, not an object)`);
    const release = typeof document.distroversion === 'string' ? document.distroversion.trim() : '';
    const repository = typeof document.reponame === 'string' ? document.reponame.trim() : '';
    if (!/^(v\d+\.\d+|edge)$/.test(release)) throw new Error(`${fileName}: not an Alpine secdb file ("distroversion" ${JSON.stringify(document.distroversion)?.slice(0, 40)} is not vX.Y or edge)`);
    if (!/^[a-z][a-z0-9-]*$/.test(repository)) throw new Error(`${fileName}: not an Alpine secdb file ("reponame" ${JSON.stringify(document.reponame)?.slice(0, 40)} is not a repository name)`);
    if (!Array.isArray(document.packages)) throw new Error(`${fileName}: not an Alpine secdb file ("packages" is ${describe(document.packages)}, not a list)`);
    for (const [index, entry] of document.packages.entries()) {
      yield* packageContributions(entry, index, release, repository, fileName, onProblem);
    }
  },
};
