import type { KbAffectedPackage, KbContribution, KbCvss, KbImporter, KbImportProblem } from '../kb-types';
import { CVE_ID, MAX_OVAL_TEXT_CHARS, readOvalDocument, resolveCriterion, unique, type OvalDefinition, type OvalDocument } from './debian-oval.importer';

/*
 * Canonical's USN OVAL (com.ubuntu.<codename>.usn.oval.xml[.bz2]): one `class="patch"` definition
 * per USN (or LSN, Livepatch notice), naming its CVEs in `<reference source="CVE">` (and, in newer
 * files, `<advisory><cve cvss_score=… cvss_vector=…>`). Package checks are `dpkginfo_test`s whose
 * object names BINARY packages through a constant variable and whose state gives the fixed version.
 *
 * Not representable as package ranges, so left out of `affected`: running-kernel checks
 * (`uname_test` + `variable_test` comparing the running kernel ABI) and Livepatch checks
 * (`file_test` + `textfilecontent54_test` on /proc/modules). Those USNs still yield their
 * CVE ↔ USN contributions, with the package statements they do make.
 */

export const UBUNTU_RELEASES: Record<string, string> = {
  '14.04': 'trusty',
  '16.04': 'xenial',
  '18.04': 'bionic',
  '20.04': 'focal',
  '22.04': 'jammy',
  '23.04': 'lunar',
  '23.10': 'mantic',
  '24.04': 'noble',
  '24.10': 'oracular',
  '25.04': 'plucky',
  '25.10': 'questing',
};

/** `Ubuntu 22.04 LTS` / `Ubuntu 22.04 ESM` → jammy; the definition id namespace is the fallback. */
export function ubuntuRelease(platforms: string[], definitionId: string): string | undefined {
  for (const platform of platforms) {
    const version = /Ubuntu (\d{2}\.\d{2})/i.exec(platform)?.[1];
    if (version && UBUNTU_RELEASES[version]) return UBUNTU_RELEASES[version];
  }
  return /^oval:com\.ubuntu\.([a-z]+):/.exec(definitionId)?.[1];
}

const NOTICE_ID = /^(USN|LSN)-\d+-\d+$/;

function noticeIdOf(definition: OvalDefinition): string | undefined {
  const fromReference = definition.references.find((r) => r.source.toUpperCase() === 'USN' && NOTICE_ID.test(r.refId))?.refId;
  if (fromReference) return fromReference;
  const fromTitle = definition.title.split(/\s+/)[0] ?? '';
  return NOTICE_ID.test(fromTitle) ? fromTitle : undefined;
}

/**
 * The USN text up to its boilerplate: "Update Instructions: … package - version …" (a list that
 * runs to several kB for kernel USNs and is already in `affected`), or Livepatch instructions.
 */
export function ubuntuDescription(description: string): string {
  const cut = description.search(/\s{2}(Update Instructions:|To check your kernel type and Livepatch version)/);
  return (cut === -1 ? description : description.slice(0, cut)).trim();
}

function cvssOf(attributes: Record<string, string>): KbCvss | undefined {
  const vector = attributes.cvss_vector?.trim();
  const score = Number(attributes.cvss_score);
  if (!vector || !Number.isFinite(score)) return undefined;
  const version = /^CVSS:(3\.0|3\.1|4\.0)\//.exec(vector)?.[1] as KbCvss['version'] | undefined;
  const isV2 = !version && /^(\(?AV:[LAN]\/AC:[HML]\/Au:[MSN]\/)/.test(vector);
  if (!version && !isV2) return undefined;
  return {
    version: version ?? '2.0',
    vector,
    baseScore: score,
    ...(attributes.cvss_severity ? { severity: attributes.cvss_severity.toUpperCase() } : {}),
    scoredBy: 'ubuntu',
  };
}

function buildUbuntuContributions(doc: OvalDocument, fileName: string, onProblem: (problem: KbImportProblem) => void, definition: OvalDefinition): KbContribution[] {
  if (definition.class === 'inventory') return [];
  const problem = (message: string) => onProblem({ file: fileName, record: definition.id, message });
  const notice = noticeIdOf(definition);
  if (!notice) {
    problem(`no USN/LSN id in the definition (title "${definition.title}"); skipped`);
    return [];
  }
  const release = ubuntuRelease(definition.platforms, definition.id);

  const affected: KbAffectedPackage[] = [];
  const seen = new Set<string>();
  for (const criterion of definition.criteria) {
    const resolved = resolveCriterion(doc, criterion);
    if (resolved.kind === 'problem') {
      onProblem({ file: fileName, record: notice, message: `${resolved.message}; ${notice} skipped` });
      return [];
    }
    if (resolved.kind === 'other') continue;
    const notAffected = resolved.version === '0';
    for (const pkg of resolved.packages) {
      const id = `${pkg}\u0000${resolved.version}`;
      if (seen.has(id)) continue;
      seen.add(id);
      affected.push({
        ecosystem: 'deb',
        distro: 'ubuntu',
        ...(release ? { release } : {}),
        package: pkg,
        sourcePackage: false,
        status: notAffected ? 'not-affected' : 'fixed',
        ...(notAffected ? {} : { fixedVersion: resolved.version, ranges: [{ introduced: '0', fixed: resolved.version }] }),
        advisory: notice,
      });
    }
  }
  if (definition.truncated) problem(`metadata text longer than ${MAX_OVAL_TEXT_CHARS} characters was cut`);

  // CVEs: the references, plus newer files' <advisory><cve> elements (which carry CVSS).
  const cveElements = definition.metadata.filter((item) => item.path === 'advisory/cve' && CVE_ID.test(item.text));
  const cves = unique([...definition.references.filter((r) => r.source.toUpperCase() === 'CVE' && CVE_ID.test(r.refId)).map((r) => r.refId), ...cveElements.map((item) => item.text)]);
  const published = definition.metadata.find((item) => item.path === 'advisory/issued')?.attributes.date;
  const description = ubuntuDescription(definition.description);
  const base = {
    source: 'ubuntu-oval' as const,
    ...(definition.title ? { title: definition.title } : {}),
    ...(description ? { description } : {}),
    ...(published && /^\d{4}-\d{2}-\d{2}/.test(published) ? { published } : {}),
    affected,
  };
  if (cves.length === 0) return [{ recordId: notice, key: notice, aliases: [notice], ...base }];
  return cves.map((cve) => {
    const cvss = cveElements
      .filter((item) => item.text === cve)
      .map((item) => cvssOf(item.attributes))
      .filter((entry): entry is KbCvss => entry !== undefined);
    return { recordId: `${notice}/${cve}`, key: cve, aliases: [notice, cve], ...base, ...(cvss.length > 0 ? { cvss } : {}) };
  });
}

export const ubuntuOvalImporter: KbImporter = {
  format: 'ubuntu-oval',
  source: 'ubuntu-oval',
  detect({ fileName, head }) {
    if (!/<oval_definitions\b/.test(head)) return false;
    // USN OVAL only: Canonical's CVE OVAL (com.ubuntu.*.cve.oval.xml) is a different model.
    return /Canonical USN OVAL Generator/.test(head) || (/\.usn\.oval\.xml/i.test(fileName) && /oval:com\.ubuntu\./.test(head));
  },
  async *parse({ filePath, fileName, onProblem }) {
    const doc = await readOvalDocument({ filePath, fileName, onProblem });
    const notices = new Set<string>();
    for (const definition of doc.definitions) {
      const contributions = buildUbuntuContributions(doc, fileName, onProblem, definition);
      const notice = contributions[0]?.aliases[0];
      if (notice && notices.has(notice)) {
        onProblem({ file: fileName, record: notice, message: `${notice} appears in more than one definition; the later one (${definition.id}) was skipped` });
        continue;
      }
      if (notice) notices.add(notice);
      for (const contribution of contributions) yield contribution;
    }
  },
};
