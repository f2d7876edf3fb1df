import type { Scope } from '../../auth/scope';
import { BusinessUnitModel } from '../../models/business-unit.model';

/** The units and every unit below them: what a user or token of those units may see. */
export async function scopeOfUnits(unitIds: readonly string[]): Promise<Scope> {
  if (unitIds.length === 0) return { kind: 'units', businessUnitIds: [] };
  const below = await BusinessUnitModel.find({ ancestors: { $in: [...unitIds] } }, { _id: 1 }).lean();
  const all = new Set<string>(unitIds);
  for (const unit of below) all.add(unit._id);
  return { kind: 'units', businessUnitIds: [...all].sort() };
}

/** Intersection of two scopes (a token never reaches further than its owner). */
export function intersectScopes(a: Scope, b: Scope): Scope {
  if (a.kind === 'system') return b;
  if (b.kind === 'system') return a;
  const inB = new Set(b.businessUnitIds);
  return { kind: 'units', businessUnitIds: a.businessUnitIds.filter((id) => inB.has(id)) };
}

/** The ids of a scope's units (every unit for the system scope): for queries made one unit at a time. */
export async function unitIdsOfScope(scope: Scope): Promise<string[]> {
  return scope.kind === 'system' ? (await BusinessUnitModel.find({}, { _id: 1 }).lean()).map((unit) => unit._id) : [...scope.businessUnitIds];
}
