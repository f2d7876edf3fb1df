import { createHash } from 'node:crypto';
import { stableStringify } from '../../kb/stable-hash';
import type { AuditEntry } from '../../models/audit-entry.model';

/** The `prevHash` of the first entry. */
export const GENESIS_PREV_HASH = '0'.repeat(64);

/**
 * hash = hex SHA-256 of the UTF-8 bytes of
 *   stableStringify({ seq, at, actor, action, target, ip, outcome, reason, details, businessUnitId, prevHash })
 * i.e. JSON with object keys sorted at every level, no whitespace, `at` as an ISO 8601 string
 * (`2026-01-02T03:04:05.678Z`) and absent optional values as null. Every value is taken as stored,
 * so a field added to, removed from or changed in a stored entry changes the hash.
 * Changing this serialisation breaks the verification of every existing entry.
 */
export function auditEntryHash(entry: Omit<AuditEntry, 'hash'>): string {
  const canonical = stableStringify({
    seq: entry.seq,
    at: entry.at instanceof Date ? entry.at.toISOString() : entry.at,
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    ip: entry.ip,
    outcome: entry.outcome,
    reason: entry.reason,
    details: entry.details,
    businessUnitId: entry.businessUnitId,
    prevHash: entry.prevHash,
  });
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
