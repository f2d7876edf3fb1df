import { scopeFilter, type Scope } from '../../auth/scope';
import type { ScanRef } from './scan-input';

/** Filter for one scan inside the caller's scope; out-of-scope reads as not found. */
export function scanFilter(scope: Scope, ref: ScanRef): Record<string, unknown> {
  return { ...scopeFilter(scope), ...('id' in ref ? { _id: ref.id } : { name: ref.name }) };
}

export function describeScanRef(ref: ScanRef): string {
  return 'id' in ref ? ref.id : `"${ref.name}"`;
}
