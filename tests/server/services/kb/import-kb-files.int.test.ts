import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KB_IMPORTERS } from '../../../../server/kb/importers/kb-importers';
import { KbContributionModel } from '../../../../server/models/kb-contribution.model';
import { KbVulnerabilityModel } from '../../../../server/models/kb-vulnerability.model';
import { getKbStats } from '../../../../server/services/kb/get-kb-stats';
import { importKbFiles, type KbImportReport } from '../../../../server/services/kb/import-kb-files';
import { KB_FIXTURES, fixture } from '../../../helpers/fixtures';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { dropDatabase, testDatabaseUri } from '../../../helpers/test-db';

const { uri } = testDatabaseUri();
const noTrust = new Map();
let first: KbImportReport;

async function snapshot() {
  const vulns = await KbVulnerabilityModel.find({}, { hash: 1, vglId: 1, updatedAt: 1 }).sort({ _id: 1 }).lean();
  const contributions = await KbContributionModel.find({}, { hash: 1, importedAt: 1, merged: 1 }).sort({ _id: 1 }).lean();
  return JSON.stringify({ vulns, contributions });
}

beforeAll(async () => {
  await openTestRuntime({ uri });
  first = await importKbFiles({ paths: [KB_FIXTURES], importers: KB_IMPORTERS, trustedKeys: noTrust });
}, 600_000);

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

describe('importing every fixture file', () => {
  it('reads every feed file without a file-level error', () => {
    const failed = first.files.filter((f) => f.error);
    expect(failed).toEqual([]);
    const formats = new Set(first.files.map((f) => f.format));
    for (const format of ['nvd-cve-api-2.0', 'cisa-kev', 'first-epss-csv', 'emba-epss-csv', 'osv-json', 'osv-yaml', 'debian-oval', 'ubuntu-oval', 'debian-tracker-list', 'alpine-secdb']) {
      expect(formats).toContain(format);
    }
  });

  it('counts at least the records the fixtures README lists, per source', async () => {
    const stats = await getKbStats();
    const records = Object.fromEntries(stats.sources.map((s) => [s.source, s.records]));
    expect(records.nvd).toBeGreaterThanOrEqual(1500);
    expect(records.kev).toBeGreaterThanOrEqual(827);
    expect(records.osv).toBeGreaterThanOrEqual(525);
    expect(records['debian-oval']).toBeGreaterThanOrEqual(5680);
    expect(records['ubuntu-oval']).toBeGreaterThanOrEqual(194);
    expect(records['debian-tracker']).toBeGreaterThanOrEqual(700);
    expect(records.epss).toBeGreaterThanOrEqual(31 + 2072);
    expect(records['alpine-secdb']).toBeGreaterThan(0);
    expect(stats.vulnerabilities).toBeGreaterThan(5000);
    expect(stats.kevListed).toBeGreaterThanOrEqual(827);
  }, 300_000);

  // FerretDB reads every whole document to count or project them (about 6 s for the KB records alone here), so
  // the records are read once for both their number and their ids, and the test has time for a loaded CI machine.
  it('merges each CVE across sources into exactly one KB record with a stable Vigil id', async () => {
    const keys = (await KbContributionModel.distinct('key', { source: { $ne: 'epss' } })) as string[];
    const vglIds = (await KbVulnerabilityModel.find({}, { vglId: 1 }).lean()).map((v) => v.vglId);
    expect(vglIds.length).toBe(keys.length);
    expect(new Set(vglIds).size).toBe(vglIds.length);
    const multi = await KbVulnerabilityModel.find({ 'sources.2': { $exists: true } }, { sources: 1, vglId: 1 }).limit(5).lean();
    expect(multi.length).toBeGreaterThan(0);
    for (const record of multi) expect(record.vglId).toMatch(/^VGL-\d{6}$/);
  }, 300_000);

  it('a second import of the same files changes nothing', async () => {
    const before = await snapshot();
    const again = await importKbFiles({ paths: [KB_FIXTURES], importers: KB_IMPORTERS, trustedKeys: noTrust });
    expect(again.files.reduce((sum, f) => sum + (f.changed ?? 0), 0)).toBe(0);
    expect(again.merge).toMatchObject({ created: 0, updated: 0 });
    expect(await snapshot()).toBe(before);
  }, 600_000);
});

describe('bad files among good ones', () => {
  it('reports the bad file by name, imports nothing from it and leaves the KB as it was', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-kb-bad-'));
    const truncated = path.join(dir, 'known_exploited_vulnerabilities.json');
    writeFileSync(truncated, '{"title":"CISA Catalog of Known Exploited Vulnerabilities","catalogVersion":"2025.08.25","count":1,"vulnerabilities":[{"cveID":"CVE-2099-0001","vendorProject":"X"');
    const html = path.join(dir, 'nvdcve-2024.json');
    writeFileSync(html, '<!DOCTYPE html><html><body>Service unavailable</body></html>');
    const before = await snapshot();
    const report = await importKbFiles({ paths: [truncated, html, fixture('kev', 'known_exploited_vulnerabilities.subset.json')], importers: KB_IMPORTERS, trustedKeys: noTrust });
    const byName = Object.fromEntries(report.files.map((f) => [path.basename(f.file), f]));
    expect(byName['known_exploited_vulnerabilities.json']?.error).toMatch(/known_exploited_vulnerabilities\.json/);
    expect(byName['nvdcve-2024.json']?.error).toBe('no importer recognises this file format');
    expect(byName['known_exploited_vulnerabilities.subset.json']).toMatchObject({ changed: 0 });
    expect(byName['known_exploited_vulnerabilities.subset.json']?.error).toBeUndefined();
    expect(await KbVulnerabilityModel.exists({ _id: 'CVE-2099-0001' })).toBeNull();
    expect(await snapshot()).toBe(before);
    // Two full reads of the KB (the snapshots) dominate: a minute and more on FerretDB on a loaded machine.
  }, 600_000);
});
