import { parseDocument, visit } from 'yaml';
import { cvssFromVector } from '../cvss';
import type { KbAffectedPackage, KbContribution, KbCvss, KbEcosystem, KbImporter, KbImportProblem, KbReference, KbVersionRange } from '../kb-types';
import { readUpstreamText } from './open-upstream-file';
import { CVE_ID, DEBIAN_RELEASES } from './importer-utils';

/**
 * OSV records (https://ossf.github.io/osv-schema/), one record per file: JSON as published by
 * osv.dev, GitHub, Go, RustSec, Bitnami, PSF, AlmaLinux, Debian, Alpine…; YAML as published by
 * the PyPA advisory database. A file holding a JSON array of records is read as several records.
 *
 * Keying (SPEC §2.3, kb-types): the KB key is the CVE id. CVE ids are collected from `id`,
 * `aliases` and `upstream`. Distribution advisories (DSA, DLA, DTSA, ALSA, USN… — see
 * DISTRO_ADVISORY) name the CVEs they fix in `related` in the published data (Debian's and
 * AlmaLinux's OSV predate the `upstream` field), so for them, and only when `id`/`aliases`/
 * `upstream` name no CVE, the CVEs in `related` are used. For every other record `related`
 * means "a different vulnerability" (GO-2023-2153 → CVE-2023-44487, PYSEC-2023-183 →
 * CVE-2023-4863) and is neither a key nor an alias.
 *
 * With N ≥ 1 CVEs the record yields one contribution per CVE (recordId `${id}/${CVE}` when
 * N > 1, else `id`); with none, key = recordId = the OSV id. Aliases are the record's
 * identifiers minus the OTHER CVEs of a multi-CVE record: CVE-B does not name CVE-A, and
 * listing it would make the KB record of CVE-A claim CVE-B as an alias.
 *
 * Identifier hygiene: an alias that looks like a CVE id (`CVE-…`, any case) but is not
 * `CVE-YYYY-NNNN+` is reported as a problem and dropped (neither key nor alias) — a malformed
 * CVE id in the KB's alias list would be shown and searched as if it were real. A lower-case
 * valid CVE id is upper-cased. Other identifiers must look like ids (no spaces or markup).
 *
 * CVSS: from `severity[]` and `affected[].severity[]` (Bitnami scores per package). OSV states
 * no numeric score: v2, v3.x and v4.0 base scores are computed from the vectors
 * (server/kb/cvss.ts). GHSA/Bitnami
 * `database_specific.severity` (a word, no vector) has no place in KbContribution and is not kept.
 *
 * Affected packages: GIT ranges are skipped (commits are not versions); an affected entry
 * without `package` (PSF's GIT-only entries) is skipped; an entry left with neither ranges nor
 * versions is skipped too (with nothing bounding it, it would read as "every version").
 * `status` is 'fixed' when any range (GIT included: a fix exists) has a fixed event, and
 * `fixedVersion` is set when exactly one non-GIT fixed event exists.
 *
 * Ecosystems (mapOsvEcosystem): Debian:N → deb/debian/<codename> (3.0 woody … 14 forky, else the
 * number), Alpine:vX.Y → apk/alpine/vX.Y, AlmaLinux:N → rpm/almalinux/N; also Ubuntu:NN.NN[:LTS]
 * → deb/ubuntu/<codename> and Rocky Linux:N → rpm/rocky/N; the language ecosystems KbEcosystem
 * names keep their name; anything else is 'other'. Debian/Ubuntu packages (and any purl with
 * `arch=source`) are source packages.
 */

const SOURCE = 'osv' as const;
/** One OSV record per file: generous for the biggest real ones (distro errata listing every binary package). */
export const MAX_OSV_FILE_BYTES = 64 * 1024 * 1024;
const MAX_DESCRIPTION_BYTES = 64 * 1024;
const MAX_TITLE_CHARS = 1024;
const MAX_ID_LENGTH = 200;
/** YAML alias expansions allowed per document; real OSV YAML uses none. */
const YAML_MAX_ALIAS_COUNT = 100;

const LOOKS_LIKE_CVE = /^CVE[-_ ]/i;
/** OSV ids are `<PREFIX>-<ENTRY>`; ALSA uses `:` (ALSA-2022:6590). */
const ID_SYNTAX = /^[A-Za-z0-9][A-Za-z0-9._:+-]*$/;
/** Advisories that bundle fixes for CVEs listed in `related` (see top of file). */
const DISTRO_ADVISORY = /^(DSA|DLA|DTSA|ALSA|ALBA|ALEA|RLSA|RXSA|RHSA|RHBA|RHEA|ELSA|USN|LSN|SUSE-SU|SUSE-RU|openSUSE-SU|MGASA)-/;
/** Go's zero time, written by vulndb for withdrawn records. */
const ZERO_TIME = /^0001-01-01/;

const UBUNTU_CODENAMES: Record<string, string> = {
  '14.04': 'trusty',
  '16.04': 'xenial',
  '18.04': 'bionic',
  '20.04': 'focal',
  '22.04': 'jammy',
  '24.04': 'noble',
};
/** OSV ecosystem names that are KbEcosystem names as they are. */
const SAME_NAME: ReadonlySet<string> = new Set(['PyPI', 'npm', 'Go', 'crates.io', 'Maven', 'NuGet', 'RubyGems', 'Packagist', 'Pub', 'Hex', 'GitHub Actions', 'Bitnami']);

type Json = unknown;
type JsonObject = Record<string, Json>;
type Report = (message: string) => void;

class InvalidRecord extends Error {}

const isObject = (value: Json): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);

function describe(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** An optional string field: absent/null → undefined; a string → trimmed; anything else → invalid record. */
function optionalString(record: JsonObject, field: string): string | undefined {
  const value = record[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidRecord(`"${field}" must be a string, got ${describe(value)}`);
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** An optional array field: absent/null → []; an array → itself; anything else → invalid record. */
function optionalArray(record: JsonObject, field: string, where = ''): Json[] {
  const value = record[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InvalidRecord(`"${where}${field}" must be an array, got ${describe(value)}`);
  return value;
}

function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let out = Buffer.from(text, 'utf8').subarray(0, maxBytes).toString('utf8');
  // A code point cut in half decodes to U+FFFD at the end; drop it.
  while (out.endsWith('\uFFFD')) out = out.slice(0, -1);
  return out;
}

/**
 * Normalises one identifier. Returns the id, or undefined (after reporting) when it must not be used.
 */
function normaliseId(raw: Json, field: string, report: Report): string | undefined {
  if (typeof raw !== 'string') {
    report(`"${field}" entry is ${describe(raw)}, not a string; ignored`);
    return undefined;
  }
  const id = raw.trim();
  if (id === '') return undefined;
  if (LOOKS_LIKE_CVE.test(id)) {
    const upper = id.toUpperCase();
    if (CVE_ID.test(upper)) return upper;
    report(`"${field}" entry "${id.slice(0, 80)}" is not a valid CVE id (CVE-YYYY-NNNN); ignored`);
    return undefined;
  }
  if (id.length > MAX_ID_LENGTH || !ID_SYNTAX.test(id)) {
    report(`"${field}" entry "${id.slice(0, 80)}" is not an identifier; ignored`);
    return undefined;
  }
  return id;
}

export function mapOsvEcosystem(raw: string): { ecosystem: KbEcosystem; distro?: string; release?: string } {
  const separator = raw.indexOf(':');
  const base = (separator === -1 ? raw : raw.slice(0, separator)).trim();
  const suffix = separator === -1 ? '' : raw.slice(separator + 1).trim();
  if (SAME_NAME.has(base)) return { ecosystem: base as KbEcosystem };
  switch (base) {
    case 'Debian': {
      if (!suffix) return { ecosystem: 'deb', distro: 'debian' };
      const codename = DEBIAN_RELEASES[suffix] ?? DEBIAN_RELEASES[suffix.replace(/\.0$/, '')];
      return { ecosystem: 'deb', distro: 'debian', release: codename ?? suffix };
    }
    case 'Ubuntu': {
      // Ubuntu:22.04:LTS, Ubuntu:Pro:18.04:LTS, Ubuntu:24.10
      const number = /\d{2}\.\d{2}/.exec(suffix)?.[0];
      if (!number) return suffix ? { ecosystem: 'deb', distro: 'ubuntu', release: suffix } : { ecosystem: 'deb', distro: 'ubuntu' };
      return { ecosystem: 'deb', distro: 'ubuntu', release: UBUNTU_CODENAMES[number] ?? number };
    }
    case 'Alpine':
      return suffix ? { ecosystem: 'apk', distro: 'alpine', release: suffix } : { ecosystem: 'apk', distro: 'alpine' };
    case 'AlmaLinux':
      return suffix ? { ecosystem: 'rpm', distro: 'almalinux', release: suffix } : { ecosystem: 'rpm', distro: 'almalinux' };
    case 'Rocky Linux':
      return suffix ? { ecosystem: 'rpm', distro: 'rocky', release: suffix } : { ecosystem: 'rpm', distro: 'rocky' };
    default:
      return { ecosystem: 'other' };
  }
}

/**
 * Turns one range's ordered events into intervals: `introduced` opens one, `fixed` /
 * `last_affected` close it; an interval still open at the end is unbounded above. `limit`
 * (a bisection bound, used with GIT ranges) does not describe affected versions and is ignored.
 * Events are taken in the order given, which is the order every publisher writes them in.
 */
function eventsToRanges(events: Json[], report: Report): { ranges: KbVersionRange[]; fixed: string[] } {
  const ranges: KbVersionRange[] = [];
  const fixed: string[] = [];
  let open: KbVersionRange | undefined;
  for (const event of events) {
    if (!isObject(event)) {
      report(`range event is ${describe(event)}; ignored`);
      continue;
    }
    const kinds = Object.keys(event).filter((k) => ['introduced', 'fixed', 'last_affected', 'limit'].includes(k));
    if (kinds.length !== 1) {
      report(`range event ${JSON.stringify(event).slice(0, 120)} has no single introduced/fixed/last_affected/limit; ignored`);
      continue;
    }
    const kind = kinds[0]!;
    const raw = event[kind];
    const version = typeof raw === 'string' ? raw.trim() : '';
    if (!version) {
      report(`range event "${kind}" has no version; ignored`);
      continue;
    }
    if (kind === 'limit') continue;
    if (kind === 'introduced') {
      if (open) ranges.push(open);
      open = { introduced: version };
      continue;
    }
    const closed: KbVersionRange = open ?? {};
    if (kind === 'fixed') {
      closed.fixed = version;
      fixed.push(version);
    } else closed.lastAffected = version;
    ranges.push(closed);
    open = undefined;
  }
  if (open) ranges.push(open);
  return { ranges, fixed };
}

function convertAffected(entry: Json, index: number, advisory: string, report: Report, cvssOut: Json[]): KbAffectedPackage | undefined {
  if (!isObject(entry)) {
    report(`affected[${index}] is ${describe(entry)}; ignored`);
    return undefined;
  }
  cvssOut.push(...optionalArray(entry, 'severity', `affected[${index}].`));
  const pkg = entry.package;
  if (pkg === undefined || pkg === null) return undefined; // GIT-only entry (PSF): no package to match
  if (!isObject(pkg)) {
    report(`affected[${index}].package is ${describe(pkg)}; entry ignored`);
    return undefined;
  }
  const ecosystemName = typeof pkg.ecosystem === 'string' ? pkg.ecosystem.trim() : '';
  const name = typeof pkg.name === 'string' ? pkg.name.trim() : '';
  if (!ecosystemName || !name) {
    report(`affected[${index}].package needs a string "ecosystem" and "name"; entry ignored`);
    return undefined;
  }

  const ranges: KbVersionRange[] = [];
  const fixedVersions: string[] = [];
  let anyFixed = false;
  for (const [r, range] of optionalArray(entry, 'ranges', `affected[${index}].`).entries()) {
    if (!isObject(range)) {
      report(`affected[${index}].ranges[${r}] is ${describe(range)}; ignored`);
      continue;
    }
    const events = optionalArray(range, 'events', `affected[${index}].ranges[${r}].`);
    const type = typeof range.type === 'string' ? range.type.trim() : '';
    if (type === 'GIT') {
      if (events.some((e) => isObject(e) && typeof e.fixed === 'string')) anyFixed = true;
      continue;
    }
    if (type !== 'SEMVER' && type !== 'ECOSYSTEM') {
      report(`affected[${index}].ranges[${r}] has unknown type "${type.slice(0, 40)}"; ignored`);
      continue;
    }
    const converted = eventsToRanges(events, (m) => report(`affected[${index}].ranges[${r}]: ${m}`));
    ranges.push(...converted.ranges);
    fixedVersions.push(...converted.fixed);
  }
  if (fixedVersions.length > 0) anyFixed = true;

  const versions: string[] = [];
  for (const version of optionalArray(entry, 'versions', `affected[${index}].`)) {
    if (typeof version === 'string' && version.trim()) versions.push(version.trim());
    else report(`affected[${index}].versions has ${describe(version)} entry; ignored`);
  }
  if (ranges.length === 0 && versions.length === 0) return undefined;

  const out: KbAffectedPackage = { ...mapOsvEcosystem(ecosystemName), package: name, status: anyFixed ? 'fixed' : 'unfixed' };
  // Debian and Ubuntu OSV name source packages (purl `?arch=source`), as Alpine's does origin packages.
  const purl = typeof pkg.purl === 'string' ? pkg.purl : '';
  if (/[?&]arch=source(&|$)/.test(purl) || /^(Debian|Ubuntu)(:|$)/.test(ecosystemName)) out.sourcePackage = true;
  if (fixedVersions.length === 1) out.fixedVersion = fixedVersions[0]!;
  if (ranges.length > 0) out.ranges = ranges;
  if (versions.length > 0) out.versions = [...new Set(versions)];
  out.advisory = advisory;
  return out;
}

function convertSeverities(entries: Json[], report: Report): KbCvss[] {
  const out: KbCvss[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    if (!isObject(entry)) {
      report(`severity entry is ${describe(entry)}; ignored`);
      continue;
    }
    const type = typeof entry.type === 'string' ? entry.type.trim() : '';
    if (!/^CVSS_V[234]$/.test(type)) continue; // e.g. "Ubuntu" priority words: not CVSS
    const vector = typeof entry.score === 'string' ? entry.score.trim() : '';
    const result = cvssFromVector(vector);
    if (!result.entry) {
      report(`${type} "${vector.slice(0, 120)}": ${result.reason}; ignored`);
      continue;
    }
    const key = `${result.entry.version}|${result.entry.vector}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(result.entry);
  }
  return out;
}

function convertReferences(entries: Json[], report: Report): KbReference[] {
  const byUrl = new Map<string, Set<string>>();
  for (const entry of entries) {
    if (!isObject(entry) || typeof entry.url !== 'string') {
      report('reference without a string "url"; ignored');
      continue;
    }
    const url = entry.url.trim();
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      report(`reference "${url.slice(0, 120)}" is not a URL; ignored`);
      continue;
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      report(`reference "${url.slice(0, 120)}" is not http(s); ignored`);
      continue;
    }
    const tags = byUrl.get(url) ?? new Set<string>();
    if (typeof entry.type === 'string' && entry.type.trim()) tags.add(entry.type.trim());
    byUrl.set(url, tags);
  }
  return [...byUrl].map(([url, tags]) => (tags.size > 0 ? { url, tags: [...tags] } : { url }));
}

function convertDate(record: JsonObject, field: string, report: Report): string | undefined {
  const value = optionalString(record, field);
  if (value === undefined || ZERO_TIME.test(value)) return undefined;
  if (Number.isNaN(Date.parse(value))) {
    report(`"${field}" "${value.slice(0, 40)}" is not a date; ignored`);
    return undefined;
  }
  return value;
}

/**
 * Converts one parsed OSV record into contributions. Problems with single fields are reported
 * and the field is dropped; a record that is not an OSV record at all is reported and yields
 * nothing. Exported for tests.
 */
export function osvRecordToContributions(raw: Json, file: string, onProblem: (problem: KbImportProblem) => void, position?: number): KbContribution[] {
  const label = () => {
    if (isObject(raw) && typeof raw.id === 'string' && raw.id.trim()) return raw.id.trim().slice(0, MAX_ID_LENGTH);
    return position === undefined ? undefined : `#${position}`;
  };
  const report: Report = (message) => {
    const record = label();
    onProblem(record === undefined ? { file, message } : { file, record, message });
  };
  try {
    if (!isObject(raw)) throw new InvalidRecord(`not an OSV record: expected an object, got ${describe(raw)}`);
    const idValue = raw.id;
    if (typeof idValue !== 'string' || !idValue.trim()) throw new InvalidRecord('OSV record without an "id"');
    const id = idValue.trim();
    if (id.length > MAX_ID_LENGTH || !ID_SYNTAX.test(id)) throw new InvalidRecord(`"id" "${id.slice(0, 80)}" is not an OSV identifier`);
    const ownId = LOOKS_LIKE_CVE.test(id) ? id.toUpperCase() : id;
    if (LOOKS_LIKE_CVE.test(id) && !CVE_ID.test(ownId)) throw new InvalidRecord(`"id" "${id.slice(0, 80)}" is not a valid CVE id`);

    // Structure first, so a malformed record is rejected before anything is reported about its parts.
    const aliasValues = optionalArray(raw, 'aliases');
    const upstreamValues = optionalArray(raw, 'upstream');
    const relatedValues = optionalArray(raw, 'related');
    const severityValues = optionalArray(raw, 'severity');
    const affectedValues = optionalArray(raw, 'affected');
    const referenceValues = optionalArray(raw, 'references');
    const summary = optionalString(raw, 'summary');
    const details = optionalString(raw, 'details');
    const withdrawn = optionalString(raw, 'withdrawn');
    optionalString(raw, 'published');
    optionalString(raw, 'modified');
    const databaseSpecific = raw.database_specific;

    const ids = [ownId];
    for (const value of aliasValues) ids.push(normaliseId(value, 'aliases', report) ?? '');
    for (const value of upstreamValues) ids.push(normaliseId(value, 'upstream', report) ?? '');
    const identifiers = [...new Set(ids.filter(Boolean))];
    let cves = identifiers.filter((i) => CVE_ID.test(i));
    if (cves.length === 0 && DISTRO_ADVISORY.test(ownId)) {
      const related = relatedValues.map((v) => normaliseId(v, 'related', report)).filter((v): v is string => v !== undefined && CVE_ID.test(v));
      cves = [...new Set(related)];
      identifiers.push(...cves);
    }

    const affectedSeverities: Json[] = [];
    const affected = affectedValues.map((entry, i) => convertAffected(entry, i, ownId, report, affectedSeverities)).filter((a): a is KbAffectedPackage => a !== undefined);
    const cvss = convertSeverities([...severityValues, ...affectedSeverities], report);
    const references = convertReferences(referenceValues, report);
    const cwes = isObject(databaseSpecific) && Array.isArray(databaseSpecific.cwe_ids) ? [...new Set(databaseSpecific.cwe_ids.filter((c): c is string => typeof c === 'string').map((c) => c.trim()).filter((c) => /^CWE-\d+$/.test(c)))] : [];
    const published = convertDate(raw, 'published', report);
    const modified = convertDate(raw, 'modified', report);

    const common: Omit<KbContribution, 'recordId' | 'key' | 'aliases'> = { source: SOURCE, rejected: Boolean(withdrawn) };
    if (summary) common.title = summary.length > MAX_TITLE_CHARS ? `${summary.slice(0, MAX_TITLE_CHARS - 1)}…` : summary;
    if (details) common.description = truncateUtf8(details, MAX_DESCRIPTION_BYTES);
    if (cvss.length > 0) common.cvss = cvss;
    if (cwes.length > 0) common.cwes = cwes;
    if (published) common.published = published;
    if (modified) common.modified = modified;
    if (references.length > 0) common.references = references;
    if (affected.length > 0) common.affected = affected;
    if (withdrawn) common.status = 'withdrawn';

    if (cves.length === 0) return [{ ...common, recordId: ownId, key: ownId, aliases: identifiers }];
    return cves.map((cve) => {
      // Each contribution owns its nested arrays, so a consumer editing one cannot change another.
      const contribution: KbContribution = {
        ...(cves.length > 1 ? structuredClone(common) : common),
        recordId: cves.length > 1 ? `${ownId}/${cve}` : ownId,
        key: cve,
        aliases: identifiers.filter((i) => i === cve || !CVE_ID.test(i)),
      };
      // A multi-CVE advisory links each CVE's own page (access.redhat.com/security/cve/CVE-…);
      // a link that names only other CVEs of the record is not about this one.
      if (cves.length > 1 && common.references) {
        const references = common.references.filter((ref) => {
          const named = ref.url.toUpperCase().match(/CVE-\d{4}-\d{4,}/g);
          return !named || named.includes(cve) || !named.some((n) => n !== cve && cves.includes(n));
        });
        if (references.length > 0) contribution.references = references;
        else delete contribution.references;
      }
      return contribution;
    });
  } catch (error) {
    if (!(error instanceof InvalidRecord)) throw error;
    report(`${error.message}; record skipped`);
    return [];
  }
}

function recordsOf(value: Json): Json[] {
  return Array.isArray(value) ? value : [value];
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

/** Parses OSV YAML safely: YAML 1.2 core schema, one document, bounded alias expansion. */
export function parseOsvYaml(text: string, fileName: string): Json {
  try {
    const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
    if (doc.errors.length > 0) throw new Error(doc.errors[0]!.message);
    // The core schema reads plain `1.10` as the number 1.1; OSV versions are strings, so numbers
    // keep the text they were written as.
    visit(doc, {
      Scalar(_key, node) {
        if (typeof node.value === 'number' && typeof node.source === 'string') node.value = node.source;
      },
    });
    // Alias expansion is bounded: a "billion laughs" document fails here, before it grows.
    return doc.toJS({ maxAliasCount: YAML_MAX_ALIAS_COUNT }) as Json;
  } catch (error) {
    throw new Error(`${fileName}: not valid YAML: ${firstLine((error as Error).message)}`);
  }
}

const JSON_NAME = /\.json(\.gz|\.bz2)?$/i;
const YAML_NAME = /\.ya?ml(\.gz|\.bz2)?$/i;
/** Other JSON formats that must never be claimed as OSV. */
const NOT_OSV_JSON = [/"format"\s*:\s*"NVD_CVE"/, /"NVD_CVE"/, /"catalogVersion"\s*:/, /"CVE_data_type"\s*:/, /"dataType"\s*:\s*"CVE_RECORD"/, /"cveMetadata"\s*:/, /"distroversion"\s*:/];

export function detectOsvJson(fileName: string, head: string): boolean {
  if (!JSON_NAME.test(fileName)) return false;
  const text = head.replace(/^\uFEFF/, '').trimStart();
  if (!text.startsWith('{') && !text.startsWith('[')) return false;
  if (NOT_OSV_JSON.some((pattern) => pattern.test(text))) return false;
  const hasOsvId = /"id"\s*:\s*"[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9._:+-]+"/.test(text);
  const hasRecordFields = /"(affected|modified)"\s*:/.test(text);
  if (/"schema_version"\s*:/.test(text) && (hasOsvId || hasRecordFields)) return true;
  if (hasOsvId && hasRecordFields) return true;
  // Keys sorted alphabetically put a long `affected` first (osv.dev's ALPINE-CVE-… records).
  return /"affected"\s*:\s*\[/.test(text) && /"package"\s*:\s*\{/.test(text) && /"ecosystem"\s*:/.test(text);
}

export function detectOsvYaml(fileName: string, head: string): boolean {
  if (!YAML_NAME.test(fileName)) return false;
  const text = head.replace(/^\uFEFF/, '');
  return /^id:[ \t]*['"]?[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9._:+-]+/m.test(text) && /^(affected|modified|published|aliases|details|summary|schema_version):/m.test(text);
}

/**
 * The contributions of one OSV document (one record, or an array of records) given as text: a
 * file's content, or an entry of an OSV archive (osv-zip.importer.ts). Text that is not JSON/YAML throws.
 */
export function osvTextToContributions(kind: 'json' | 'yaml', text: string, fileName: string, onProblem: (problem: KbImportProblem) => void): KbContribution[] {
  let value: Json;
  if (kind === 'json') {
    try {
      value = JSON.parse(text.replace(/^\uFEFF/, '')) as Json;
    } catch (error) {
      throw new Error(`${fileName}: not valid JSON: ${firstLine((error as Error).message)}`);
    }
  } else value = parseOsvYaml(text, fileName);
  const records = recordsOf(value);
  return records.flatMap((record, index) => osvRecordToContributions(record, fileName, onProblem, records.length > 1 ? index : undefined));
}

async function* parseOsvFile(kind: 'json' | 'yaml', input: { filePath: string; fileName: string; onProblem: (problem: KbImportProblem) => void }): AsyncIterable<KbContribution> {
  yield* osvTextToContributions(kind, await readUpstreamText(input.filePath, MAX_OSV_FILE_BYTES), input.fileName, input.onProblem);
}

export const osvJsonImporter: KbImporter = {
  format: 'osv-json',
  source: SOURCE,
  detect: ({ fileName, head }) => detectOsvJson(fileName, head),
  parse: (input) => parseOsvFile('json', input),
};

export const osvYamlImporter: KbImporter = {
  format: 'osv-yaml',
  source: SOURCE,
  detect: ({ fileName, head }) => detectOsvYaml(fileName, head),
  parse: (input) => parseOsvFile('yaml', input),
};
