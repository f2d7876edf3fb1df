import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditEntryHash, GENESIS_PREV_HASH } from '../../../../server/services/audit/audit-hash';

const entry = {
  seq: 1,
  at: new Date('2026-01-02T03:04:05.678Z'),
  actor: { type: 'user' as const, id: 'u1', email: 'a@example.test' },
  action: 'auth.login',
  target: null,
  ip: '127.0.2.1',
  outcome: 'success' as const,
  reason: null,
  details: { z: 1, a: true },
  businessUnitId: 'root',
  prevHash: GENESIS_PREV_HASH,
};

describe('audit entry hash', () => {
  it('is SHA-256 over the documented canonical serialisation (sorted keys, ISO date, nulls kept)', () => {
    const canonical =
      '{"action":"auth.login","actor":{"email":"a@example.test","id":"u1","type":"user"},"at":"2026-01-02T03:04:05.678Z",' +
      `"businessUnitId":"root","details":{"a":true,"z":1},"ip":"127.0.2.1","outcome":"success","prevHash":"${'0'.repeat(64)}",` +
      '"reason":null,"seq":1,"target":null}';
    expect(auditEntryHash(entry)).toBe(createHash('sha256').update(canonical).digest('hex'));
  });

  it('changes with every covered field', () => {
    const base = auditEntryHash(entry);
    expect(auditEntryHash({ ...entry, seq: 2 })).not.toBe(base);
    expect(auditEntryHash({ ...entry, at: new Date('2026-01-02T03:04:05.679Z') })).not.toBe(base);
    expect(auditEntryHash({ ...entry, actor: { ...entry.actor, email: null } })).not.toBe(base);
    expect(auditEntryHash({ ...entry, details: null })).not.toBe(base);
    expect(auditEntryHash({ ...entry, prevHash: 'f'.repeat(64) })).not.toBe(base);
  });
});
