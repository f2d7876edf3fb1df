import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config/env';
import { detect, queryKbLookup } from '../../../server/detection/detect';
import { detectionKbCache } from '../../../server/detection/detection-kb-cache';
import type { Inventory } from '../../../server/inventory/inventory.schema';
import { KB_IMPORTERS } from '../../../server/kb/importers/kb-importers';
import { KbGenerationModel, withKbGeneration } from '../../../server/models/kb-generation.model';
import { KbVulnerabilityModel } from '../../../server/models/kb-vulnerability.model';
import { importKbFiles } from '../../../server/services/kb/import-kb-files';
import { PROJECT_ROOT, cleanEnv, runVigil, tempDataDir } from '../../helpers/cli';
import { fixture } from '../../helpers/fixtures';
import { closeRuntime, openTestRuntime } from '../../helpers/runtime';
import { dropDatabase, testDatabaseUri } from '../../helpers/test-db';

/**
 * The detection KB cache on FerretDB (where `auto` turns it on): the same findings and problems as the `$in` query,
 * on the fixture KB, and after KB changes made by this process, by another process, by a generation still being
 * written, by a rejected record, by a deletion and by a KB dropped and filled again.
 */

const { uri } = testDatabaseUri();
const masterKeyFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'vigil-kbcache-')), 'master.key');
const ALPINE_MAIN = fixture('alpine', 'v3.20', 'main.json');
const KB_FILES = [ALPINE_MAIN, fixture('alpine', 'v3.20', 'community.json'), fixture('debian', 'tracker-raw', 'DSA-list.subset')];
const inventory = (name: string) => JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'tests', 'fixtures', 'detection', `${name}.inventory.json`), 'utf8')) as Inventory;
const alpine = inventory('alpine320');
const debian = inventory('debian12-host');
/** Each test runs the `$in` query, which reads the whole KB on FerretDB: seconds each on a shared machine. */
const SLOW = 240_000;
const keysOf = (result: { findings: { vulnId: string; ecosystem: string; package: string }[] }) => result.findings.map((f) => `${f.vulnId} ${f.ecosystem} ${f.package}`);

/** Detects with the cache (the default lookup here) and with the query; both must agree. */
async function detectBothWays(inv: Inventory) {
  const cached = await detect({ inventory: inv });
  const queried = await detect({ inventory: inv, lookup: queryKbLookup });
  expect(cached.findings).toEqual(queried.findings);
  expect(cached.problems).toEqual(queried.problems);
  return cached;
}

/** A copy of the Alpine main secdb with CVEs moved to other fixed versions of their packages. */
function secdbWithFixesMoved(moves: { name: string; cve: string; to: string }[]): string {
  const secdb = JSON.parse(readFileSync(ALPINE_MAIN, 'utf8')) as { packages: { pkg: { name: string; secfixes: Record<string, string[]> } }[] };
  for (const { name, cve, to } of moves) {
    const fixes = secdb.packages.find((p) => p.pkg.name === name)!.pkg.secfixes;
    for (const list of Object.values(fixes)) if (list.includes(cve)) list.splice(list.indexOf(cve), 1);
    fixes[to] = [...(fixes[to] ?? []), cve];
  }
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'vigil-secdb-')), 'main.json');
  writeFileSync(file, JSON.stringify(secdb));
  return file;
}

/** cups CVE-2023-4504 fixed below the installed 2.4.2-r7; gmp CVE-2021-43618 fixed above the installed 6.2.1-r1. */
const CUPS_FIXED_EARLIER = { name: 'cups', cve: 'CVE-2023-4504', to: '2.4.2-r0' };
const GMP_FIXED_LATER = { name: 'gmp', cve: 'CVE-2021-43618', to: '6.2.1-r2' };

beforeAll(async () => {
  await openTestRuntime({ uri, masterKeyFile });
  await importKbFiles({ paths: KB_FILES, importers: KB_IMPORTERS, trustedKeys: new Map() });
}, 2 * SLOW);

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

describe('detection KB cache', () => {
  it('is on under auto on FerretDB and answers exactly like the $in query on the fixture KB', async () => {
    const cache = await detectionKbCache();
    expect(cache).not.toBeNull();
    const onAlpine = await detectBothWays(alpine);
    expect(onAlpine.findings.length).toBeGreaterThan(10);
    await detectBothWays(debian);
    // Nothing changed: the check reads the generations only, the index stays the one loaded.
    expect(await cache!.current()).toBe(await cache!.current());
    const generations = await KbGenerationModel.find({}).lean();
    expect(generations.length).toBeGreaterThan(0);
    expect(generations.every((g) => !g.writing)).toBe(true);
    expect(await KbVulnerabilityModel.countDocuments({ kbGeneration: { $exists: false } })).toBe(0);
  }, SLOW);

  it('picks up an import made by this process at once', async () => {
    const key = 'CVE-2023-4504 apk cups';
    expect(keysOf(await detectBothWays(alpine))).toContain(key);
    await importKbFiles({ paths: [secdbWithFixesMoved([CUPS_FIXED_EARLIER])], importers: KB_IMPORTERS, trustedKeys: new Map() });
    expect(keysOf(await detectBothWays(alpine))).not.toContain(key);
  }, SLOW);

  it('picks up an import made by another process (the vigil CLI) by its generation, without a restart', async () => {
    const key = 'CVE-2021-43618 apk gmp';
    const before = await detectBothWays(alpine);
    expect(keysOf(before)).not.toContain(key);
    const file = secdbWithFixesMoved([CUPS_FIXED_EARLIER, GMP_FIXED_LATER]);
    const env = cleanEnv({ MONGODB_URI: uri, VIGIL_DATA_DIR: tempDataDir(), VIGIL_MASTER_KEY_FILE: masterKeyFile });
    const imported = await runVigil(['kb', 'import', file, '--json'], { env, timeoutMs: 120_000 });
    expect(imported.code, imported.stderr).toBe(0);
    const after = await detectBothWays(alpine);
    expect(keysOf(after)).toContain(key);
    expect(keysOf(after)).not.toContain('CVE-2023-4504 apk cups');
  }, SLOW);

  it('does not read a generation that is still being written; then drops a rejected record', async () => {
    const key = 'CVE-2021-43618 apk gmp';
    await withKbGeneration(async (kbGeneration) => {
      await KbVulnerabilityModel.updateOne({ _id: 'CVE-2021-43618' }, { $set: { rejected: true, kbGeneration } });
      // Half-written KB: detection keeps the records as they were before this generation.
      expect(keysOf(await detect({ inventory: alpine }))).toContain(key);
    });
    expect(keysOf(await detectBothWays(alpine))).not.toContain(key);
  }, SLOW);

  it('reloads everything after a reset generation (records deleted)', async () => {
    const cache = (await detectionKbCache())!;
    const before = await detectBothWays(alpine);
    const deleted = before.findings[0]!.vulnId;
    const held = await cache.current();
    await withKbGeneration(() => KbVulnerabilityModel.deleteOne({ _id: deleted }), { reset: true });
    const after = await detectBothWays(alpine);
    expect(after.findings.some((f) => f.vulnId === deleted)).toBe(false);
    expect(after.findings.length).toBeLessThan(before.findings.length);
    expect(await cache.current()).not.toBe(held);
  }, SLOW);

  it('reloads when the generation it holds is gone (the KB dropped and filled again, or a backup restored)', async () => {
    const key = 'CVE-2023-4504 apk cups';
    expect(keysOf(await detectBothWays(alpine))).not.toContain(key);
    await KbGenerationModel.deleteMany({});
    await KbVulnerabilityModel.deleteMany({});
    // The original secdb again: cups is fixed above the installed version once more, in generation 1.
    await importKbFiles({ paths: [ALPINE_MAIN], importers: KB_IMPORTERS, trustedKeys: new Map() });
    expect(await KbGenerationModel.countDocuments({})).toBe(1);
    expect(keysOf(await detectBothWays(alpine))).toContain(key);
  }, SLOW);

  it('VIGIL_DETECTION_KB_CACHE is auto, on or off; anything else is refused naming the variable', () => {
    expect(loadConfig({}).detectionKbCache).toBe('auto');
    expect(loadConfig({ VIGIL_DETECTION_KB_CACHE: 'off' }).detectionKbCache).toBe('off');
    expect(() => loadConfig({ VIGIL_DETECTION_KB_CACHE: 'sometimes' })).toThrow(/^VIGIL_DETECTION_KB_CACHE: .*"auto".*"on".*"off"/);
  });
});
