import { rmSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../../server/services/audit/record-audit';
import { cleanEnv, runVigil, tempDataDir } from '../../helpers/cli';
import { closeRuntime, openTestRuntime } from '../../helpers/runtime';
import { dropDatabase, testDatabaseUri } from '../../helpers/test-db';

const { uri } = testDatabaseUri();
const dataDir = tempDataDir();
const env = cleanEnv({ MONGODB_URI: uri, VIGIL_DATA_DIR: dataDir });

beforeAll(async () => {
  // The same master key as the CLI's, so both may open the database.
  await openTestRuntime({ uri, masterKeyFile: path.join(dataDir, 'master.key') });
  for (const action of ['user.create', 'auth.login', 'credential.add', 'auth.logout']) {
    await recordAudit({ actor: { type: 'user', id: 'u1', email: 'admin@example.test' }, action, ip: '127.0.0.1', outcome: 'success' });
  }
});

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('vigil audit verify', () => {
  it('exits 0 on an untouched log', async () => {
    expect(await runVigil(['audit', 'verify'], { env })).toEqual({ code: 0, stdout: 'audit log intact: 4 entries\n', stderr: '' });
    const json = await runVigil(['audit', 'verify', '--json'], { env });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ intact: true, entries: 4, headSeq: 4 });
  });

  it('exits 1 naming the entry edited through the raw driver', async () => {
    const auditLog = mongoose.connection.db!.collection('audit_log');
    const edited = (await auditLog.findOne({ seq: 3 }))!;
    await auditLog.updateOne({ _id: edited._id }, { $set: { action: 'credential.rotate' } });
    const brokenLine = `vigil: audit log broken at entry seq=3 id=${String(edited._id)}: content edited: hash mismatch\n`;

    expect(await runVigil(['audit', 'verify'], { env })).toEqual({ code: 1, stdout: '', stderr: brokenLine });
    const json = await runVigil(['audit', 'verify', '--json'], { env });
    expect(json).toMatchObject({ code: 1, stderr: brokenLine });
    expect(JSON.parse(json.stdout)).toEqual({ intact: false, entries: 4, firstBroken: { seq: 3, id: String(edited._id), problem: 'content edited: hash mismatch' } });
  });
});
