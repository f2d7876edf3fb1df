import type { FilterQuery, SortOrder } from 'mongoose';
import type { KbEcosystem, KbSourceId } from '../../kb/kb-types';
import { KbVulnerabilityModel, type KbSeverity, type KbVulnerability } from '../../models/kb-vulnerability.model';

export const KB_SEVERITIES = ['critical', 'high', 'medium', 'low', 'none', 'unknown'] as const satisfies readonly KbSeverity[];

/** Every package ecosystem, as `affectedPackages` spells it (`<ecosystem>:<package>`). */
export const KB_ECOSYSTEMS = [
  'deb',
  'apk',
  'rpm',
  'npm',
  'PyPI',
  'Go',
  'crates.io',
  'Maven',
  'NuGet',
  'RubyGems',
  'Packagist',
  'Pub',
  'Hex',
  'GitHub Actions',
  'Bitnami',
  'cpe',
  'other',
] as const satisfies readonly KbEcosystem[];

// Compile-time check that the list above names every ecosystem of kb-types.ts.
type MissingEcosystem = Exclude<KbEcosystem, (typeof KB_ECOSYSTEMS)[number]>;
const everyEcosystemListed: MissingEcosystem extends never ? true : never = true;
void everyEcosystemListed;

/** Sort keys: `id` is the CVE/advisory id, `vgl` the Vigil id. */
export const KB_SORTS = ['published', 'cvss', 'epss', 'id', 'vgl', 'kev'] as const;
export type KbSort = (typeof KB_SORTS)[number];

export const KB_MAX_PAGE_SIZE = 100;

export interface SearchKbOptions {
  /** A vulnerability id (CVE, VGL, GHSA, DSA, USN…) or a package/product name. */
  query?: string;
  severity?: KbSeverity[];
  /** true: only CISA KEV listed; false: only those not listed. */
  kev?: boolean;
  /** EPSS probability bounds, 0–1, inclusive. */
  epssMin?: number;
  epssMax?: number;
  /** Calendar days (YYYY-MM-DD, UTC), both inclusive. */
  publishedFrom?: string;
  publishedTo?: string;
  ecosystem?: KbEcosystem;
  sort: KbSort;
  direction: 'asc' | 'desc';
  /** 1-based. */
  page: number;
  pageSize: number;
}

export interface KbListItem {
  id: string;
  vglId: string;
  /** Other identifiers (CVE, GHSA, DSA…), the record's own id excluded. */
  aliases: string[];
  title: string;
  severity: KbSeverity;
  cvssScore: number | null;
  cvssVersion: string | null;
  epssScore: number | null;
  epssPercentile: number | null;
  kevListed: boolean;
  kevDueDate: string | null;
  kevRansomware: boolean;
  published: string | null;
  rejected: boolean;
  sources: KbSourceId[];
}

export interface SearchKbResult {
  items: KbListItem[];
  total: number;
  page: number;
  pageSize: number;
}

/**
 * Identifier schemes that name vulnerabilities or advisories. A query shaped like one of them
 * is looked up by id; anything else is a package or product name.
 */
const ID_PREFIXES = [
  'CVE',
  'VGL',
  'GHSA',
  'DSA',
  'DLA',
  'DTSA',
  'USN',
  'RUSTSEC',
  'PYSEC',
  'GO',
  'OSV',
  'GSD',
  'ALSA',
  'ALBA',
  'ALEA',
  'ALAS',
  'ALAS2',
  'RHSA',
  'RHBA',
  'RLSA',
  'BIT',
  'MAL',
  'CGA',
  'PSF',
];
const ID_SHAPE = new RegExp(`^(${ID_PREFIXES.join('|')})-([A-Za-z0-9][A-Za-z0-9:._-]*)$`, 'i');
/** Schemes whose ids may lack digits; the others need one, so package names like `go-yaml` stay names. */
const LETTER_IDS = new Set(['GHSA', 'VGL', 'CVE']);
/** An incomplete CVE id ("CVE-2024-", "cve-2024-63"): looked up as a prefix of the record id. */
const PARTIAL_CVE = /^CVE-(\d{4}(-\d{0,3})?|\d{0,3})$/i;

/** The spellings an id may be stored under: as typed, upper case, and GHSA's lower-case tail. */
export function idVariants(raw: string): string[] {
  const id = raw.trim();
  const variants = new Set([id, id.toUpperCase()]);
  const match = ID_SHAPE.exec(id);
  if (match) variants.add(`${match[1]!.toUpperCase()}-${match[2]!.toLowerCase()}`);
  return [...variants];
}

export function looksLikeId(query: string): boolean {
  const match = ID_SHAPE.exec(query.trim());
  if (!match) return PARTIAL_CVE.test(query.trim());
  return LETTER_IDS.has(match[1]!.toUpperCase()) || /\d/.test(match[2]!);
}

const escapeRegex = (value: string) => value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * Records affecting a package or product of that name. Index-friendly: exact `<ecosystem>:<name>`
 * keys for every ecosystem (as typed and in lower case, since most ecosystems spell names in lower
 * case), plus, for the two ecosystems whose names carry a namespace (`cpe:<vendor>:<product>`,
 * `Maven:<group>:<artifact>`), a case-sensitive regex anchored on the ecosystem prefix, which an
 * index on `affectedPackages` bounds to that ecosystem's keys.
 */
function packageFilter(name: string, ecosystem: KbEcosystem | undefined): FilterQuery<KbVulnerability> {
  const names = [...new Set([name, name.toLowerCase()])];
  const ecosystems: readonly KbEcosystem[] = ecosystem ? [ecosystem] : KB_ECOSYSTEMS;
  const exact = ecosystems.flatMap((eco) => names.map((n) => `${eco}:${n}`));
  const branches: FilterQuery<KbVulnerability>[] = [{ affectedPackages: { $in: exact } }];
  // A name with a namespace of its own ("openbsd:openssh") is already matched exactly above.
  if (!name.includes(':')) {
    const alternatives = names.map(escapeRegex).join('|');
    for (const eco of ['cpe', 'Maven'] as const) {
      if (!ecosystem || ecosystem === eco) branches.push({ affectedPackages: { $regex: `^${eco}:[^:]+:(?:${alternatives})$` } });
    }
  }
  return branches.length === 1 ? branches[0]! : { $or: branches };
}

function idFilter(query: string): FilterQuery<KbVulnerability> {
  const trimmed = query.trim();
  if (PARTIAL_CVE.test(trimmed)) {
    // Case-sensitive and anchored: an index range scan over `_id`.
    return { _id: { $regex: `^${escapeRegex(trimmed.toUpperCase())}` } };
  }
  const ids = idVariants(trimmed);
  return { $or: [{ _id: { $in: ids } }, { vglId: { $in: ids } }, { aliases: { $in: ids } }] };
}

const DAY_MS = 86_400_000;

function dayStart(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

export function buildKbFilter(options: Omit<SearchKbOptions, 'sort' | 'direction' | 'page' | 'pageSize'>): FilterQuery<KbVulnerability> {
  const clauses: FilterQuery<KbVulnerability>[] = [];
  const query = options.query?.trim();
  if (query) clauses.push(looksLikeId(query) ? idFilter(query) : packageFilter(query, options.ecosystem));
  else if (options.ecosystem) clauses.push({ affectedPackages: { $regex: `^${escapeRegex(options.ecosystem)}:` } });
  // With an id query the ecosystem still narrows the result (e.g. a CVE's npm records only).
  if (query && looksLikeId(query) && options.ecosystem) {
    clauses.push({ affectedPackages: { $regex: `^${escapeRegex(options.ecosystem)}:` } });
  }
  if (options.severity && options.severity.length > 0) clauses.push({ severity: { $in: [...new Set(options.severity)] } });
  if (options.kev === true) clauses.push({ kevListed: true });
  if (options.kev === false) clauses.push({ kevListed: { $ne: true } });
  if (options.epssMin !== undefined || options.epssMax !== undefined) {
    const range: Record<string, number> = {};
    if (options.epssMin !== undefined) range.$gte = options.epssMin;
    if (options.epssMax !== undefined) range.$lte = options.epssMax;
    clauses.push({ 'epss.score': range });
  }
  if (options.publishedFrom || options.publishedTo) {
    const range: Record<string, Date> = {};
    if (options.publishedFrom) range.$gte = dayStart(options.publishedFrom);
    if (options.publishedTo) range.$lt = new Date(dayStart(options.publishedTo).getTime() + DAY_MS);
    clauses.push({ published: range });
  }
  if (clauses.length === 0) return {};
  return clauses.length === 1 ? clauses[0]! : { $and: clauses };
}

const SORT_FIELDS: Record<KbSort, string[]> = {
  published: ['published'],
  cvss: ['cvssScore'],
  epss: ['epss.score'],
  id: ['_id'],
  vgl: ['vglId'],
  kev: ['kevListed', 'kev.dateAdded'],
};

function sortOf(sort: KbSort, direction: 'asc' | 'desc'): Record<string, SortOrder> {
  const order: SortOrder = direction === 'asc' ? 1 : -1;
  const spec: Record<string, SortOrder> = {};
  for (const field of SORT_FIELDS[sort]) spec[field] = order;
  // A total order, so pages never overlap or skip records with equal keys.
  if (!('_id' in spec)) spec._id = 1;
  return spec;
}

/** Only what a result row shows: `affected`, `references` and `cvss[]` can be large. */
const LIST_PROJECTION = {
  vglId: 1,
  aliases: 1,
  title: 1,
  severity: 1,
  cvssScore: 1,
  cvssVersion: 1,
  epss: 1,
  kev: 1,
  kevListed: 1,
  published: 1,
  rejected: 1,
  sources: 1,
} as const;

type ListDoc = Pick<
  KbVulnerability,
  '_id' | 'vglId' | 'aliases' | 'title' | 'severity' | 'cvssScore' | 'cvssVersion' | 'epss' | 'kev' | 'kevListed' | 'published' | 'rejected' | 'sources'
>;

function toListItem(doc: ListDoc): KbListItem {
  return {
    id: doc._id,
    vglId: doc.vglId,
    aliases: (doc.aliases ?? []).filter((alias) => alias !== doc._id),
    title: doc.title ?? '',
    severity: doc.severity,
    cvssScore: typeof doc.cvssScore === 'number' ? doc.cvssScore : null,
    cvssVersion: doc.cvssVersion ?? null,
    epssScore: typeof doc.epss?.score === 'number' ? doc.epss.score : null,
    epssPercentile: typeof doc.epss?.percentile === 'number' ? doc.epss.percentile : null,
    kevListed: Boolean(doc.kevListed),
    kevDueDate: doc.kev?.dueDate || null,
    kevRansomware: /^known$/i.test(doc.kev?.knownRansomwareCampaignUse ?? ''),
    published: doc.published instanceof Date ? doc.published.toISOString() : null,
    rejected: Boolean(doc.rejected),
    sources: doc.sources ?? [],
  };
}

/** One page of KnowledgeBase records matching the filters; the input is validated by the caller. */
export async function searchKb(options: SearchKbOptions): Promise<SearchKbResult> {
  const pageSize = Math.min(Math.max(1, Math.floor(options.pageSize)), KB_MAX_PAGE_SIZE);
  const page = Math.max(1, Math.floor(options.page));
  const filter = buildKbFilter(options);
  const [docs, total] = await Promise.all([
    KbVulnerabilityModel.find(filter, LIST_PROJECTION)
      .sort(sortOf(options.sort, options.direction))
      .skip((page - 1) * pageSize)
      .limit(pageSize)
      .lean<ListDoc[]>(),
    KbVulnerabilityModel.countDocuments(filter),
  ]);
  return { items: docs.map(toListItem), total, page, pageSize };
}
