import { AppError } from '../../errors/app-error';
import { compareGenericVersions, parseGenericVersion } from './generic';

/**
 * NVD CPE match semantics for one version (NVD CVE API 2.0 `cpeMatch`, CPE 2.3 name matching of NISTIR 7696):
 *
 * - the CPE's version `*` (ANY) with bounds: in range when every bound given holds — start including (≥) or
 *   excluding (>), end including (≤) or excluding (<); no bound at all means every version;
 * - the CPE's version `-` (NA, "no version applies"): a versioned installation never matches it;
 * - an exact version in the CPE: matches a version equal to it. NVD gives bounds only with `*`, so bounds next to
 *   `-` or an exact version, two start bounds or two end bounds are refused rather than guessed at.
 *
 * Versions compare with the generic comparer (generic.ts). The CPE's version is taken as written in the CPE 2.3
 * formatted string (`1.0\(1\)` means `1.0(1)`); embedded wildcards (`1.2.*`) are refused. The CPE's update
 * component (`openssh:9.2:p1`) is the caller's to match.
 */
export interface CpeVersionRange {
  /** The version component of the CPE match string: `*`, `-` or one version. */
  cpeVersion: string;
  versionStartIncluding?: string;
  versionStartExcluding?: string;
  versionEndIncluding?: string;
  versionEndExcluding?: string;
}

function badRange(reason: string): AppError {
  return new AppError('BAD_INPUT', `Invalid CPE version range: ${reason}`);
}

/** The CPE 2.3 formatted-string value with its backslash escapes removed; unescaped wildcards are refused. */
function unescapeCpeVersion(value: string): string {
  if (/(^|[^\\])(\\\\)*[*?]/.test(value)) throw badRange(`the CPE version ${JSON.stringify(value)} contains a wildcard`);
  return value.replace(/\\(.)/g, '$1');
}

export function isVersionInCpeRange(version: string, range: CpeVersionRange): boolean {
  const { cpeVersion, versionStartIncluding, versionStartExcluding, versionEndIncluding, versionEndExcluding } = range;
  const hasBounds = [versionStartIncluding, versionStartExcluding, versionEndIncluding, versionEndExcluding].some((bound) => bound !== undefined);
  if (versionStartIncluding !== undefined && versionStartExcluding !== undefined) throw badRange('both a start-including and a start-excluding bound');
  if (versionEndIncluding !== undefined && versionEndExcluding !== undefined) throw badRange('both an end-including and an end-excluding bound');
  if (cpeVersion !== '*' && hasBounds) throw badRange(`bounds are given with the CPE version ${JSON.stringify(cpeVersion)}, NVD gives them only with "*"`);

  if (cpeVersion === '-') {
    parseGenericVersion(version); // an unreadable version is refused all the same
    return false;
  }
  if (cpeVersion !== '*') return compareGenericVersions(version, unescapeCpeVersion(cpeVersion)) === 0;
  const checks: [string | undefined, (order: number) => boolean][] = [
    [versionStartIncluding, (order) => order >= 0],
    [versionStartExcluding, (order) => order > 0],
    [versionEndIncluding, (order) => order <= 0],
    [versionEndExcluding, (order) => order < 0],
  ];
  // Every bound is read (and an unreadable one refused) even when an earlier one already fails.
  return checks
    .map(([bound, holds]) => bound === undefined || holds(compareGenericVersions(version, bound)))
    .every(Boolean);
}
