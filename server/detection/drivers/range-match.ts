import type { KbVersionRange } from '../../kb/kb-types';
import type { VersionComparer } from '../versions/version-common';

/**
 * Whether a version is affected by one KB range (OSV semantics, as the importers store them): from `introduced`
 * (inclusive unless `introducedExclusive`; `0` = from the first version) up to `fixed` (exclusive) or
 * `lastAffected` (inclusive); absent bounds are open. Throws (AppError BAD_INPUT) when a version cannot be read.
 */
export function isInRange(version: string, range: KbVersionRange, compare: VersionComparer): boolean {
  if (range.introduced !== undefined && range.introduced !== '0') {
    const order = compare(version, range.introduced);
    if (range.introducedExclusive ? order <= 0 : order < 0) return false;
  }
  if (range.fixed !== undefined && compare(version, range.fixed) >= 0) return false;
  if (range.lastAffected !== undefined && compare(version, range.lastAffected) > 0) return false;
  return true;
}

export function describeRange(range: KbVersionRange): string {
  const parts: string[] = [];
  if (range.introduced !== undefined && range.introduced !== '0') parts.push(`${range.introducedExclusive ? '>' : '>='} ${range.introduced}`);
  if (range.fixed !== undefined) parts.push(`< ${range.fixed}`);
  if (range.lastAffected !== undefined) parts.push(`<= ${range.lastAffected}`);
  return parts.length ? parts.join(', ') : 'all versions';
}
