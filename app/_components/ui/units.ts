/** Business units as the units router lists them: parents before children. */
export interface UnitLike {
  id: string;
  name: string;
  parentId: string | null;
  ancestors: string[];
}

/** "Organisation / EMEA / Paris" for each unit id (ancestors outside the caller's scope are left out). */
export function unitPaths(units: readonly UnitLike[]): Map<string, string> {
  const names = new Map(units.map((unit) => [unit.id, unit.name]));
  return new Map(
    units.map((unit) => [
      unit.id,
      [...unit.ancestors, unit.id]
        .map((id) => names.get(id))
        .filter(Boolean)
        .join(' / '),
    ]),
  );
}

/** Depth-first tree order with each unit's depth below the top unit the caller sees. */
export function unitTree<U extends UnitLike>(units: readonly U[]): { unit: U; depth: number; last: boolean[] }[] {
  const ids = new Set(units.map((unit) => unit.id));
  const children = new Map<string | null, U[]>();
  for (const unit of units) {
    const parent = unit.parentId !== null && ids.has(unit.parentId) ? unit.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), unit]);
  }
  for (const list of children.values()) list.sort((a, b) => a.name.localeCompare(b.name, 'en'));
  const out: { unit: U; depth: number; last: boolean[] }[] = [];
  const walk = (parent: string | null, depth: number, last: boolean[]) => {
    const list = children.get(parent) ?? [];
    list.forEach((unit, index) => {
      const isLast = [...last, index === list.length - 1];
      out.push({ unit, depth, last: isLast });
      walk(unit.id, depth + 1, isLast);
    });
  };
  walk(null, 0, []);
  return out;
}

/** Options for a unit <select>, indented by depth. */
export function unitOptions(units: readonly UnitLike[]): { id: string; label: string }[] {
  return unitTree(units).map(({ unit, depth }) => ({ id: unit.id, label: `${'\u00a0\u00a0\u00a0'.repeat(depth)}${unit.name}` }));
}
