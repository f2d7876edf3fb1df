import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detect } from '../../../server/detection/detect';
import type { Inventory } from '../../../server/inventory/inventory.schema';
import { KB_IMPORTERS } from '../../../server/kb/importers/kb-importers';
import { DetectionReevaluationRunModel } from '../../../server/models/detection-reevaluation-run.model';
import { DetectionResultModel } from '../../../server/models/detection-result.model';
import { InventoryModel } from '../../../server/models/inventory.model';
import { importKbFiles } from '../../../server/services/kb/import-kb-files';
import { getDetectionResult } from '../../../server/services/detection/detection-results';
import { listReevaluationRuns, resumeReevaluationRuns, runReevaluation, startReevaluation } from '../../../server/services/detection/reevaluate-inventories';
import { storeInventoryAndDetect } from '../../../server/services/detection/store-inventory';
import { decodePackages, encodePackages } from '../../../server/services/detection/stored-inventory';
import { PROJECT_ROOT, cleanEnv, runVigil, tempDataDir } from '../../helpers/cli';
import { fixture } from '../../helpers/fixtures';
import { closeRuntime, openTestRuntime } from '../../helpers/runtime';
import { dropDatabase, testDatabaseUri } from '../../helpers/test-db';
import { inMemoryLookup, loadFixtureKbInMemory } from './golden/fixture-kb';

/**
 * The engine on the stored KB (FerretDB): batched `$in` lookups give the same findings as the in-memory KB of the
 * golden tests; `vigil detect`; stored inventories; re-evaluation after a KB correction, resumable.
 */

const { uri } = testDatabaseUri();
const ALPINE_MAIN = fixture('alpine', 'v3.20', 'main.json');
const alpine = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'tests', 'fixtures', 'detection', 'alpine320.inventory.json'), 'utf8')) as Inventory;
const strip = (findings: { vglId?: string }[]) => findings.map(({ vglId: _vglId, ...rest }) => rest);

beforeAll(async () => {
  await openTestRuntime({ uri });
  await importKbFiles({ paths: [ALPINE_MAIN], importers: KB_IMPORTERS, trustedKeys: new Map() });
}, 90_000);

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

describe('detection on the stored KB', () => {
  it('finds what the same data held in memory gives (batched $in on affectedPackages)', async () => {
    const stored = await detect({ inventory: alpine });
    const memory = await detect({ inventory: alpine, lookup: (await loadFixtureKbInMemory([ALPINE_MAIN])).lookup });
    expect(stored.findings.length).toBeGreaterThan(10);
    expect(strip(stored.findings)).toEqual(strip(memory.findings));
    expect(stored.findings.every((f) => f.source === 'alpine-secdb' && f.vglId.startsWith('VGL-'))).toBe(true);
  });

  it('vigil detect --inventory FILE --json prints { findings, problems } in the SPEC format; the table otherwise; bad files exit 2', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-detect-'));
    const file = path.join(dir, 'inv.json');
    writeFileSync(file, JSON.stringify({ ...alpine, packages: [...alpine.packages, { name: 'x', ecosystem: 'apk' }] }));
    const env = cleanEnv({ MONGODB_URI: uri, VIGIL_DATA_DIR: tempDataDir() });
    const json = await runVigil(['detect', '--inventory', file, '--json'], { env, timeoutMs: 60_000 });
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout) as { findings: Record<string, unknown>[]; problems: { at: string; message: string }[] };
    expect(out.findings.length).toBeGreaterThan(10);
    for (const f of out.findings) {
      for (const key of ['vulnId', 'cves', 'package', 'installedVersion', 'fixedVersion', 'source', 'confidence', 'severity', 'cvss', 'epss', 'kev', 'rule']) expect(f).toHaveProperty(key);
      expect(f.fixedVersion !== null || f.unfixed === true).toBe(true);
    }
    expect(out.problems.some((p) => p.at === `packages[${alpine.packages.length}]`)).toBe(true);
    const table = await runVigil(['detect', '--inventory', file], { env, timeoutMs: 60_000 });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/VULNERABILITY\s+SEVERITY\s+PACKAGE/);
    expect(table.stdout).toMatch(/findings on golden-alpine320/);
    writeFileSync(file, '{"host":"x"}');
    const bad = await runVigil(['detect', '--inventory', file], { env, timeoutMs: 60_000 });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not an inventory/);
  });
});

describe('stored inventories and re-evaluation after a KB change', () => {
  it('stores packages compactly and reads them back', () => {
    expect(decodePackages(encodePackages(alpine.packages))).toEqual(alpine.packages);
  });

  it('re-detects touched inventories when an import corrects records: appeared, closed (fixed by KB correction), changed — resumable', async () => {
    const hosts = ['a-1', 'a-2', 'a-3'];
    for (const assetKey of hosts) await storeInventoryAndDetect({ assetKey, inventory: { ...alpine, host: assetKey } });
    await storeInventoryAndDetect({ assetKey: 'untouched', inventory: { host: 'u', os: alpine.os, packages: [{ name: 'zzz-none', version: '1.0-r0', ecosystem: 'apk' }], services: [] } });
    const before = (await getDetectionResult('a-1'))!;
    const key = (vuln: string, pkg: string) => `${vuln} apk ${pkg}`;
    expect(before.findings.map((f) => `${f.vulnId} ${f.ecosystem} ${f.package}`)).toContain(key('CVE-2023-4504', 'cups'));
    expect(before.findings.map((f) => `${f.vulnId} ${f.ecosystem} ${f.package}`)).not.toContain(key('CVE-2021-43618', 'gmp'));

    // A corrected secdb: cups CVE-2023-4504 fixed earlier (below the installed 2.4.2-r7), gmp CVE-2021-43618 fixed
    // later (above the installed 6.2.1-r1), postgresql16 CVE-2024-10976 fixed in a later revision.
    const secdb = JSON.parse(readFileSync(ALPINE_MAIN, 'utf8')) as { packages: { pkg: { name: string; secfixes: Record<string, string[]> } }[] };
    const move = (name: string, cve: string, to: string) => {
      const fixes = secdb.packages.find((p) => p.pkg.name === name)!.pkg.secfixes;
      for (const list of Object.values(fixes)) if (list.includes(cve)) list.splice(list.indexOf(cve), 1);
      fixes[to] = [...(fixes[to] ?? []), cve];
    };
    move('cups', 'CVE-2023-4504', '2.4.2-r0');
    move('gmp', 'CVE-2021-43618', '6.2.1-r2');
    move('postgresql16', 'CVE-2024-10976', '16.6-r0');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-secdb-'));
    writeFileSync(path.join(dir, 'main.json'), JSON.stringify(secdb));

    // A crash in the middle: the hook's run is replaced by one worked one batch at a time.
    const report = await importKbFiles({ paths: [path.join(dir, 'main.json')], importers: KB_IMPORTERS, trustedKeys: new Map() });
    expect(report.merge.changedKeys).toEqual(expect.arrayContaining(['CVE-2023-4504', 'CVE-2021-43618', 'CVE-2024-10976']));
    const [hooked] = await listReevaluationRuns(1);
    expect(hooked).toMatchObject({ status: 'done', total: 3, cursor: 3, appeared: 3, closed: 3, changed: 3 });
    const after = (await getDetectionResult('a-2'))!;
    expect(after.lastChange).toMatchObject({ cause: 'kb-change', runId: hooked!._id, appeared: [key('CVE-2021-43618', 'gmp')], closed: [key('CVE-2023-4504', 'cups')], changed: [key('CVE-2024-10976', 'postgresql16')] });
    expect((await getDetectionResult('untouched'))!.lastChange?.cause).toBe('inventory');

    // Resumable: a run interrupted after one batch is finished by resumeReevaluationRuns.
    const run = (await startReevaluation(['CVE-2021-43618']))!;
    expect(run.assetKeys).toEqual(hosts);
    const partial = await runReevaluation(run._id, { batchSize: 1, stopAfterBatches: 1 });
    expect(partial).toMatchObject({ status: 'running', cursor: 1 });
    const resumed = await resumeReevaluationRuns();
    expect(resumed.find((r) => r._id === run._id)).toMatchObject({ status: 'done', cursor: 3, appeared: 0, closed: 0, changed: 0 });
    expect(await DetectionReevaluationRunModel.countDocuments({ status: 'running' })).toBe(0);
    expect(await InventoryModel.countDocuments({})).toBe(4);
    expect(await DetectionResultModel.countDocuments({})).toBe(4);
  });

  it('a KB lookup is one batched query set for many inventories (no query per package)', async () => {
    let calls = 0;
    const memory = await loadFixtureKbInMemory([ALPINE_MAIN]);
    const counting = inMemoryLookup(memory.records);
    await detect({ inventory: alpine, lookup: async (keys) => (calls++, counting(keys)) });
    expect(calls).toBe(1);
  });
});
