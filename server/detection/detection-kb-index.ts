import type { DetectionRecord } from './detection-types';

/**
 * KB records (their detection projection) held in memory, indexed by the package keys of `affectedPackages`
 * (`ecosystem:package`). Rejected records are dropped: detection never matches them.
 */
export class DetectionKbIndex {
  private readonly records = new Map<string, DetectionRecord>();
  private readonly byKey = new Map<string, Set<string>>();

  get size(): number {
    return this.records.size;
  }

  /** Adds a record, or replaces the held version of it (its old package keys are forgotten). */
  upsert(record: DetectionRecord): void {
    this.remove(record._id);
    if (record.rejected) return;
    this.records.set(record._id, record);
    for (const key of record.affectedPackages ?? []) {
      const ids = this.byKey.get(key);
      if (ids) ids.add(record._id);
      else this.byKey.set(key, new Set([record._id]));
    }
  }

  remove(id: string): void {
    const held = this.records.get(id);
    if (!held) return;
    this.records.delete(id);
    for (const key of held.affectedPackages ?? []) {
      const ids = this.byKey.get(key);
      ids?.delete(id);
      if (ids?.size === 0) this.byKey.delete(key);
    }
  }

  get(id: string): DetectionRecord | undefined {
    return this.records.get(id);
  }

  /** The records naming any of the keys, each once, sorted by id (so evaluation order never depends on the store). */
  lookup(keys: Iterable<string>): DetectionRecord[] {
    const ids = new Set<string>();
    for (const key of keys) for (const id of this.byKey.get(key) ?? []) ids.add(id);
    return [...ids].sort().map((id) => this.records.get(id)!);
  }
}
