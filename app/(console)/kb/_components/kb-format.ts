import type { KbEcosystem, KbSeverity, KbSort } from './kb-types';

/** Most severe first. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'none', 'unknown'] as const satisfies readonly KbSeverity[];

export const SEVERITY_LABEL: Record<KbSeverity, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  none: 'None',
  unknown: 'Unknown',
};

/** CVSS v3/v4 qualitative rating of a base score. */
export function severityOfScore(score: number): KbSeverity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'none';
}

export const SORTS = ['published', 'cvss', 'epss', 'id', 'vgl', 'kev'] as const satisfies readonly KbSort[];

export const ECOSYSTEM_LABEL: Record<KbEcosystem, string> = {
  deb: 'Debian / Ubuntu (deb)',
  apk: 'Alpine (apk)',
  rpm: 'RPM distributions',
  npm: 'npm',
  PyPI: 'PyPI',
  Go: 'Go',
  'crates.io': 'crates.io',
  Maven: 'Maven',
  NuGet: 'NuGet',
  RubyGems: 'RubyGems',
  Packagist: 'Packagist',
  Pub: 'Pub',
  Hex: 'Hex',
  'GitHub Actions': 'GitHub Actions',
  Bitnami: 'Bitnami',
  cpe: 'CPE (NVD products)',
  other: 'Other',
};

export const ECOSYSTEMS = Object.keys(ECOSYSTEM_LABEL) as KbEcosystem[];

/** The KB's upstream sources, as people know them. */
export const SOURCE_LABEL: Record<string, string> = {
  nvd: 'NVD',
  kev: 'CISA KEV',
  epss: 'FIRST EPSS',
  osv: 'OSV',
  'debian-oval': 'Debian OVAL',
  'debian-tracker': 'Debian tracker',
  'alpine-secdb': 'Alpine secdb',
  'ubuntu-oval': 'Ubuntu OVAL',
  'debian-tracker-json': 'Debian tracker JSON',
};

export const SOURCE_DESCRIPTION: Record<string, string> = {
  nvd: 'NVD CVE API 2.0: descriptions, CVSS, CWE, CPE configurations',
  kev: 'CISA Known Exploited Vulnerabilities catalog',
  epss: 'FIRST Exploit Prediction Scoring System, daily scores',
  osv: 'OSV: GitHub, Go, RustSec, PyPA and other ecosystem advisories (per-ecosystem archives)',
  'debian-oval': 'Debian OVAL definitions per release (source packages)',
  'debian-tracker': 'Debian security tracker DSA / DLA lists',
  'alpine-secdb': 'Alpine secdb fixed versions per branch',
  'ubuntu-oval': 'Ubuntu USN OVAL definitions',
  'debian-tracker-json': 'Debian security tracker JSON: every CVE per source package and release, unfixed ones included',
};

export const sourceLabel = (source: string) => SOURCE_LABEL[source] ?? source;

/** "2024-07-01": a calendar day, the same on the server and in every browser time zone. */
export function formatDay(iso: string | null | undefined): string {
  if (!iso) return '—';
  return /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : iso;
}

/** "2024-07-01 13:15 UTC". */
export function formatUtcMinute(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** EPSS probability as a percentage: "73.4%", "0.02%", "<0.01%". */
export function formatEpss(score: number | null | undefined): string {
  if (score === null || score === undefined) return '—';
  const percent = score * 100;
  if (percent === 0) return '0%';
  if (percent < 0.01) return '<0.01%';
  // Truncated, not rounded: 0.99977 is "99.9%", never "100.0%".
  if (percent < 1) return `${(Math.floor(percent * 100) / 100).toFixed(2)}%`;
  return `${(Math.floor(percent * 10) / 10).toFixed(1)}%`;
}

/** EPSS percentile as an ordinal: "98.7th", "100th". */
export function formatPercentile(percentile: number | null | undefined): string {
  if (percentile === null || percentile === undefined) return '—';
  const value = Math.floor(percentile * 1000) / 10;
  return `${Number.isInteger(value) ? value.toFixed(0) : value.toFixed(1)}th`;
}

export function formatScore(score: number | null | undefined): string {
  return score === null || score === undefined ? '—' : score.toFixed(1);
}

/** "3.0 h", "2 d 8 h". */
export function formatAge(hours: number | null): string {
  if (hours === null) return 'never';
  if (hours < 1) return `${Math.max(0, Math.round(hours * 60))} min`;
  if (hours < 48) return `${hours.toFixed(1)} h`;
  const days = Math.floor(hours / 24);
  const rest = Math.round(hours - days * 24);
  return rest > 0 ? `${days} d ${rest} h` : `${days} d`;
}

export const formatCount = (value: number) => value.toLocaleString('en-US');

/** Freshness of a source: fresh within 48 h of its last import, stale after, red after a week. */
export const STALE_AFTER_HOURS = 48;
export const OUTDATED_AFTER_HOURS = 24 * 7;

export type Freshness = 'fresh' | 'stale' | 'outdated' | 'never';

export function freshnessOf(ageHours: number | null): Freshness {
  if (ageHours === null) return 'never';
  if (ageHours > OUTDATED_AFTER_HOURS) return 'outdated';
  if (ageHours > STALE_AFTER_HOURS) return 'stale';
  return 'fresh';
}

/** Link target of a KB record's page. */
export const kbHref = (id: string) => `/kb/${encodeURIComponent(id)}`;
