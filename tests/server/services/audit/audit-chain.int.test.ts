import mongoose from 'mongoose';
import type { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditEntryHash, GENESIS_PREV_HASH } from '../../../../server/services/audit/audit-hash';
import { recordAudit, type AuditEventInput } from '../../../../server/services/audit/record-audit';
import { verifyAuditChain } from '../../../../server/services/audit/verify-audit-chain';
import type { AuditEntry } from '../../../../server/models/audit-entry.model';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { dropDatabase, testDatabaseUri } from '../../../helpers/test-db';

const { uri } = testDatabaseUri();

type RawEntry = AuditEntry & { _id: ObjectId };
const auditLog = () => mongoose.connection.db!.collection<RawEntry>('audit_log');
const auditHead = () => mongoose.connection.db!.collection<{ _id: string; seq: number; hash: string }>('audit_head');
const entryAt = async (seq: number) => (await auditLog().findOne({ seq }))!;

function login(n: number): AuditEventInput {
  const failed = n % 3 === 0;
  return {
    actor: { type: 'user', id: `user-${n}`, email: `user${n}@example.test` },
    action: 'auth.login',
    target: { type: 'user', id: `user-${n}`, label: `user${n}@example.test` },
    ip: '127.0.2.10',
    outcome: failed ? 'failure' : 'success',
    ...(failed ? { reason: 'wrong password' } : {}),
    details: { attempt: n, mfa: n % 2 === 0, method: 'password', note: null },
  };
}

/** Verifies, then runs `restore` and expects the chain intact again, so each case starts clean. */
async function expectBroken(expected: { seq: number; id: ObjectId | string; problem: string | RegExp }, restore: () => Promise<unknown>) {
  const verdict = await verifyAuditChain();
  expect(verdict).toMatchObject({ intact: false, firstBroken: { seq: expected.seq, id: String(expected.id), problem: expected.problem } });
  await restore();
  expect(await verifyAuditChain()).toMatchObject({ intact: true });
}

beforeAll(async () => {
  await openTestRuntime({ uri });
});

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

describe('appending to the audit log', () => {
  it('an empty log is intact', async () => {
    expect(await verifyAuditChain()).toEqual({ intact: true, entries: 0, headSeq: 0 });
  });

  it('links each entry to the previous one from the genesis hash, storing exactly what it hashed', async () => {
    const first = await recordAudit({ actor: { type: 'system' }, action: 'system.start', outcome: 'success' });
    expect(first.seq).toBe(1);
    for (let n = 2; n <= 5; n++) expect((await recordAudit(login(n))).seq).toBe(n);

    const genesis = await entryAt(1);
    expect(genesis).toMatchObject({ prevHash: GENESIS_PREV_HASH, hash: first.hash, actor: { type: 'system', id: null, email: null }, target: null, ip: null, reason: null, details: null, businessUnitId: 'root' });
    expect(auditEntryHash(genesis)).toBe(genesis.hash);
    expect((await entryAt(2)).prevHash).toBe(genesis.hash);
    expect(await entryAt(3)).toMatchObject({ outcome: 'failure', reason: 'wrong password', details: { attempt: 3, mfa: false, method: 'password', note: null } });
    expect(await verifyAuditChain()).toEqual({ intact: true, entries: 5, headSeq: 5 });
  });

  it('keeps the chain contiguous under 20 concurrent appends', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => recordAudit(login(6 + i))));
    expect(results.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => 6 + i));
    expect(await verifyAuditChain()).toEqual({ intact: true, entries: 25, headSeq: 25 });
    expect(await auditHead().findOne({})).toMatchObject({ seq: 25, hash: (await entryAt(25)).hash });
  });

  it('keeps it contiguous when two console nodes append at once (the unique seq settles the race)', async () => {
    // A second instance of the module has its own append queue, like another process.
    vi.resetModules();
    const otherNode = await import('../../../../server/services/audit/record-audit');
    expect(otherNode.recordAudit).not.toBe(recordAudit);
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? otherNode.recordAudit : recordAudit)(login(26 + i))));
    expect(new Set(results.map((r) => r.seq)).size).toBe(40);
    expect(await verifyAuditChain()).toEqual({ intact: true, entries: 65, headSeq: 65 });
    expect(await auditHead().findOne({})).toMatchObject({ seq: 65 });
  });

  it('refuses, storing nothing, an event it could not store faithfully', async () => {
    await expect(recordAudit({ ...login(1), action: 'login' })).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/dotted verb/) });
    await expect(recordAudit({ ...login(1), details: { 'a.b': 1 } })).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(recordAudit({ ...login(1), details: { $where: 1 } })).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(await auditLog().countDocuments()).toBe(65);
  });
});

describe('verifying the chain after tampering through the raw driver', () => {
  it('names an edited entry', async () => {
    const original = await entryAt(6);
    expect(original.outcome).toBe('failure');
    await auditLog().updateOne({ _id: original._id }, { $set: { outcome: 'success', reason: null } });
    await expectBroken({ seq: 6, id: original._id, problem: 'content edited: hash mismatch' }, () => auditLog().replaceOne({ _id: original._id }, original));
  });

  it('names an edit hidden in a nested field', async () => {
    const original = await entryAt(12);
    await auditLog().updateOne({ _id: original._id }, { $set: { 'actor.email': 'someone-else@example.test' } });
    await expectBroken({ seq: 12, id: original._id, problem: 'content edited: hash mismatch' }, () => auditLog().replaceOne({ _id: original._id }, original));
  });

  it('names the entry after one that was edited and re-hashed', async () => {
    const original = await entryAt(9);
    expect(original.outcome).toBe('failure');
    const forged = { ...original, outcome: 'success' as const, reason: null };
    await auditLog().replaceOne({ _id: original._id }, { ...forged, hash: auditEntryHash(forged) });
    const next = await entryAt(10);
    await expectBroken({ seq: 10, id: next._id, problem: /^link broken: prevHash is not the hash of seq 9/ }, () => auditLog().replaceOne({ _id: original._id }, original));
  });

  it('names the entry after a deleted one', async () => {
    const deleted = await entryAt(10);
    await auditLog().deleteOne({ _id: deleted._id });
    await expectBroken({ seq: 11, id: (await entryAt(11))._id, problem: 'entry missing before seq 11 (deleted?)' }, () => auditLog().insertOne(deleted));
  });

  it('names a deleted first entry', async () => {
    const deleted = await entryAt(1);
    await auditLog().deleteOne({ _id: deleted._id });
    await expectBroken({ seq: 2, id: (await entryAt(2))._id, problem: 'entry missing before seq 2 (deleted?)' }, () => auditLog().insertOne(deleted));
  });

  it('names two swapped entries', async () => {
    const [third, eighth] = [await entryAt(3), await entryAt(8)];
    // Through a free seq, as the unique index forbids two entries with one seq.
    await auditLog().updateOne({ _id: third._id }, { $set: { seq: -1 } });
    await auditLog().updateOne({ _id: eighth._id }, { $set: { seq: 3 } });
    await auditLog().updateOne({ _id: third._id }, { $set: { seq: 8 } });
    const restore = async () => {
      await auditLog().deleteMany({ _id: { $in: [third._id, eighth._id] } });
      await auditLog().insertMany([third, eighth]);
    };
    await expectBroken({ seq: 3, id: eighth._id, problem: /^out of order/ }, restore);
  });

  it('names a truncated tail by the head record', async () => {
    const tail = [await entryAt(64), await entryAt(65)];
    await auditLog().deleteMany({ seq: { $gte: 64 } });
    await expectBroken({ seq: 63, id: (await entryAt(63))._id, problem: 'tail truncated: head says 65, entries after seq 63 are missing' }, () => auditLog().insertMany(tail));
  });

  it('names a deleted head record', async () => {
    const head = (await auditHead().findOne({}))!;
    await auditHead().deleteOne({ _id: head._id });
    await expectBroken({ seq: 65, id: (await entryAt(65))._id, problem: 'head record missing (audit_head deleted?)' }, () => auditHead().insertOne(head));
  });

  it('names a tail that was cut off and written again', async () => {
    const tail = [await entryAt(64), await entryAt(65)];
    await auditLog().deleteMany({ seq: { $gte: 64 } });
    await recordAudit(login(1));
    const rewritten = await recordAudit(login(2));
    expect(rewritten.seq).toBe(65);
    const restore = async () => {
      await auditLog().deleteMany({ seq: { $gte: 64 } });
      await auditLog().insertMany(tail);
    };
    await expectBroken({ seq: 65, id: (await entryAt(65))._id, problem: 'hash differs from the head record (rewritten from here on?)' }, restore);
  });
});
