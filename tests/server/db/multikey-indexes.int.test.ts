import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureMultikeyIndexes, isFerretDb } from '../../../server/db/multikey-indexes';
import { KbVulnerabilityModel } from '../../../server/models/kb-vulnerability.model';
import { closeRuntime, openTestRuntime } from '../../helpers/runtime';
import { dropDatabase, testDatabaseUri } from '../../helpers/test-db';

const { uri } = testDatabaseUri();

beforeAll(async () => {
  await openTestRuntime({ uri });
});

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

describe('indexes on array fields', () => {
  it('are left out on FerretDB, where a long array would exceed PostgreSQL’s index row', async () => {
    expect(await isFerretDb(mongoose.connection)).toBe(true);
    await KbVulnerabilityModel.init();
    const names = (await mongoose.connection.db!.collection('kb_vulnerabilities').indexes()).map((i) => i.name);
    expect(names).not.toContain('affectedPackages_1');
    // A record naming thousands of CPEs (as NVD has for some network OS CVEs) stores.
    const affectedPackages = Array.from({ length: 3000 }, (_, i) => `cpe:vendor:product-with-a-long-name-${i}`);
    await mongoose.connection.db!.collection('kb_vulnerabilities').insertOne({ _id: 'CVE-2099-9999' as never, affectedPackages });
    expect((await mongoose.connection.db!.collection('kb_vulnerabilities').findOne({ _id: 'CVE-2099-9999' as never }))!.affectedPackages).toHaveLength(3000);
  });

  it('drops one an earlier version created on FerretDB', async () => {
    const inventories = mongoose.connection.db!.collection('inventories');
    await inventories.createIndex({ packageKeys: 1 }, { name: 'packageKeys_1' });
    await ensureMultikeyIndexes({ connection: mongoose.connection });
    expect((await inventories.indexes()).map((i) => i.name)).not.toContain('packageKeys_1');
  });
});
