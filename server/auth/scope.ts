/**
 * Which records a caller may touch. Every service query goes through `scopeFilter`, so data
 * separation between business units is enforced in the data layer, not only in the UI.
 * `system` is the CLI and internal jobs acting for the whole installation.
 */
export type Scope = { kind: 'system' } | { kind: 'units'; businessUnitIds: readonly string[] };

/** The business unit records belong to until business units are managed (identity issue). */
export const ROOT_BUSINESS_UNIT_ID = 'root';

export const SYSTEM_SCOPE: Scope = { kind: 'system' };

export function scopeFilter(scope: Scope): Record<string, unknown> {
  return scope.kind === 'system' ? {} : { businessUnitId: { $in: [...scope.businessUnitIds] } };
}

export function canWriteUnit(scope: Scope, businessUnitId: string): boolean {
  return scope.kind === 'system' || scope.businessUnitIds.includes(businessUnitId);
}
