import type { KbMergedFields, KbSeverity } from '../models/kb-vulnerability.model';
import type { KbContribution, KbCvss, KbSourceId } from './kb-types';

/**
 * Merging the contributions of every source about one vulnerability into one KB record.
 * Nothing is dropped: all CVSS vectors, all affected-package statements (each tagged with its
 * source), every distinct title and description. Where one value must be shown, the
 * precedence below picks it (README "KnowledgeBase — precedence"):
 *
 * - title:       OSV summary > KEV name > Ubuntu USN title > Debian DSA/DLA title > NVD (first sentence)
 * - description: NVD > OSV > KEV > Debian OVAL > Debian tracker JSON > Ubuntu OVAL > Debian tracker
 * - CVSS shown:  NVD Primary v3.1/v3.0 > NVD v4.0 > other NVD v3.x > OSV v3.x > OSV v4.0 > any v3/v4 > v2
 * - published / modified / status: NVD > OSV > the rest
 * - EPSS: the most recent score date; KEV: the KEV catalog
 *
 * Affected packages are not ranked here: detection decides (a distro's own tracker outranks
 * NVD's CPE ranges for that distro's packages).
 */

const TITLE_ORDER: KbSourceId[] = ['osv', 'kev', 'ubuntu-oval', 'debian-tracker', 'debian-oval', 'alpine-secdb', 'nvd'];
const DESCRIPTION_ORDER: KbSourceId[] = ['nvd', 'osv', 'kev', 'debian-oval', 'debian-tracker-json', 'ubuntu-oval', 'debian-tracker', 'alpine-secdb'];
const DATE_ORDER: KbSourceId[] = ['nvd', 'osv', 'kev', 'debian-tracker', 'ubuntu-oval', 'debian-oval', 'alpine-secdb'];

const rank = (order: KbSourceId[], source: KbSourceId) => {
  const index = order.indexOf(source);
  return index === -1 ? order.length : index;
};

function bySource<T>(contributions: KbContribution[], order: KbSourceId[], pick: (c: KbContribution) => T | undefined): { source: KbSourceId; value: T } | undefined {
  return [...contributions]
    .sort((a, b) => rank(order, a.source) - rank(order, b.source) || a.recordId.localeCompare(b.recordId))
    .map((c) => ({ source: c.source, value: pick(c) }))
    .find((entry): entry is { source: KbSourceId; value: T } => entry.value !== undefined && entry.value !== '');
}

function cvssRank(entry: KbCvss & { source: KbSourceId }): number {
  const v3 = entry.version === '3.1' || entry.version === '3.0';
  if (entry.source === 'nvd' && v3 && entry.type === 'Primary') return entry.version === '3.1' ? 0 : 1;
  if (entry.source === 'nvd' && entry.version === '4.0') return 2;
  if (entry.source === 'nvd' && v3) return 3;
  if (entry.source === 'osv' && v3) return 4;
  if (entry.source === 'osv' && entry.version === '4.0') return 5;
  if (v3 || entry.version === '4.0') return 6;
  return 7;
}

export function severityOfScore(score: number | null): KbSeverity {
  if (score === null || Number.isNaN(score)) return 'unknown';
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'none';
}

function firstSentence(text: string): string {
  const sentence = text.split(/(?<=\.)\s/)[0] ?? text;
  return sentence.length > 160 ? `${sentence.slice(0, 157)}…` : sentence;
}

function toDate(value: string | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

const unique = <T>(values: T[]) => [...new Set(values)];

function distinctValues(contributions: KbContribution[], pick: (c: KbContribution) => string | undefined) {
  const seen = new Set<string>();
  const out: { source: KbSourceId; value: string }[] = [];
  for (const c of contributions) {
    const value = pick(c)?.trim();
    if (value && !seen.has(value)) {
      seen.add(value);
      out.push({ source: c.source, value });
    }
  }
  return out;
}

export function mergeContributions(key: string, input: KbContribution[]): KbMergedFields {
  // A stable order, so the same contributions always give the same record (and hash).
  const contributions = [...input].sort((a, b) => a.source.localeCompare(b.source) || a.recordId.localeCompare(b.recordId));

  const cvss = contributions.flatMap((c) => (c.cvss ?? []).map((entry) => ({ ...entry, source: c.source })));
  const shownCvss = [...cvss].filter((e) => Number.isFinite(e.baseScore)).sort((a, b) => cvssRank(a) - cvssRank(b))[0];

  const title = bySource(contributions, TITLE_ORDER, (c) => (c.source === 'nvd' ? (c.description ? firstSentence(c.description) : undefined) : c.title));
  const description = bySource(contributions, DESCRIPTION_ORDER, (c) => c.description ?? (c.source === 'kev' ? c.kev?.shortDescription : undefined));
  const published = bySource(contributions, DATE_ORDER, (c) => c.published);
  const modified = bySource(contributions, DATE_ORDER, (c) => c.modified);
  const status = bySource(contributions, DATE_ORDER, (c) => c.status);
  const epss = contributions
    .filter((c) => c.epss)
    .sort((a, b) => (b.epss!.date ?? '').localeCompare(a.epss!.date ?? '') || a.recordId.localeCompare(b.recordId))[0];
  const kev = contributions.find((c) => c.kev);

  const affected = contributions.flatMap((c) => (c.affected ?? []).map((entry) => ({ ...entry, source: c.source })));
  const referenceUrls = new Map<string, { url: string; tags?: string[] }>();
  for (const ref of contributions.flatMap((c) => c.references ?? [])) {
    const existing = referenceUrls.get(ref.url);
    referenceUrls.set(ref.url, { url: ref.url, ...(ref.tags || existing?.tags ? { tags: unique([...(existing?.tags ?? []), ...(ref.tags ?? [])]).sort() } : {}) });
  }

  const fieldSources: KbMergedFields['fieldSources'] = {};
  if (title) fieldSources.title = title.source;
  if (description) fieldSources.description = description.source;
  if (shownCvss) fieldSources.cvss = shownCvss.source;
  if (published) fieldSources.published = published.source;
  if (epss) fieldSources.epss = epss.source;
  if (kev) fieldSources.kev = kev.source;

  const cvssScore = shownCvss ? shownCvss.baseScore : null;
  return {
    aliases: unique([key, ...contributions.flatMap((c) => c.aliases)]).sort(),
    title: title?.value ?? key,
    description: description?.value ?? '',
    severity: severityOfScore(cvssScore),
    cvssScore,
    cvssVector: shownCvss?.vector ?? null,
    cvssVersion: shownCvss?.version ?? null,
    cvss,
    epss: epss?.epss ? { ...epss.epss, source: epss.source } : null,
    kev: kev?.kev ?? null,
    kevListed: Boolean(kev),
    cwes: unique(contributions.flatMap((c) => c.cwes ?? [])).sort(),
    references: [...referenceUrls.values()].sort((a, b) => a.url.localeCompare(b.url)),
    published: toDate(published?.value),
    modified: toDate(modified?.value),
    status: status?.value ?? null,
    // A rejected CVE (NVD) rejects the record; a withdrawn advisory (OSV) only does so for a
    // record that is that advisory, not for a CVE other sources still describe.
    rejected: contributions.some((c) => c.rejected && (c.source === 'nvd' || (c.source === 'osv' && !key.startsWith('CVE-')))),
    affected,
    affectedPackages: unique(affected.map((a) => `${a.ecosystem}:${a.package}`)).sort(),
    sources: unique(contributions.map((c) => c.source)).sort(),
    fieldSources,
    alternatives: {
      title: distinctValues(contributions, (c) => c.title),
      description: distinctValues(contributions, (c) => c.description),
    },
  };
}

/** Sources that make a vulnerability exist in the KB; EPSS scores alone do not. */
export function hasPrimarySource(contributions: KbContribution[]): boolean {
  return contributions.some((c) => c.source !== 'epss');
}
