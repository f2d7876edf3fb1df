import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KB_IMPORTERS } from '../../../../server/kb/importers/kb-importers';
import { KbContributionModel } from '../../../../server/models/kb-contribution.model';
import { markPending } from '../../../../server/models/kb-pending.model';
import { KbTotalsModel } from '../../../../server/models/kb-totals.model';
import { KbVulnerabilityModel } from '../../../../server/models/kb-vulnerability.model';
import { getKbStats } from '../../../../server/services/kb/get-kb-stats';
import { importKbFiles } from '../../../../server/services/kb/import-kb-files';
import { readKbTotals } from '../../../../server/services/kb/kb-totals';
import { mergePendingContributions } from '../../../../server/services/kb/merge-pending-contributions';
import { fixture } from '../../../helpers/fixtures';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { dropDatabase, testDatabaseUri } from '../../../helpers/test-db';

const { uri } = testDatabaseUri();
const NVD_2002 = fixture('nvd', 'nvdcve-2002.subset.json');
/** Seven of its CVEs are in the KEV subset. */
const NVD_2010 = fixture('nvd', 'nvdcve-2010.subset.json');
const KEV = fixture('kev', 'known_exploited_vulnerabilities.subset.json');
const importFiles = (paths: string[]) => importKbFiles({ paths, importers: KB_IMPORTERS, trustedKeys: new Map() });

/** What the records themselves say: the count the kept totals stand in for. */
async function counted() {
  return { vulnerabilities: await KbVulnerabilityModel.countDocuments({}), kevListed: await KbVulnerabilityModel.countDocuments({ kevListed: true }) };
}

beforeAll(async () => {
  await openTestRuntime({ uri });
}, 90_000);

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

// Each test reads the whole KB to count it, as the code under test must not.
describe('the KB counts the merge keeps', { timeout: 300_000 }, () => {
  it('follow the records as imports create them and as KEV listings come and go', async () => {
    await importFiles([NVD_2010]);
    const afterNvd = await counted();
    expect(afterNvd.vulnerabilities).toBeGreaterThan(0);
    expect(await readKbTotals()).toEqual(afterNvd);

    await importFiles([KEV]);
    const afterKev = await counted();
    expect(afterKev.kevListed).toBeGreaterThanOrEqual(827);
    expect(await readKbTotals()).toEqual(afterKev);
    // Seven CVEs of the NVD file are KEV-listed: the KEV import changed existing records as well as creating its own.
    const catalogue = JSON.parse(readFileSync(KEV, 'utf8')) as { vulnerabilities: { cveID: string }[]; count: number };
    const inNvd = new Set((JSON.parse(readFileSync(NVD_2010, 'utf8')) as { vulnerabilities: { cve: { id: string } }[] }).vulnerabilities.map((v) => v.cve.id));
    const listedInNvd = catalogue.vulnerabilities.filter((v) => inNvd.has(v.cveID)).length;
    expect(listedInNvd).toBe(7);
    expect(await KbVulnerabilityModel.countDocuments({ kevListed: true, _id: { $in: [...inNvd] } })).toBe(7);

    // Their KEV contributions withdrawn (the importers never withdraw one yet): their records are no longer KEV-listed.
    await KbContributionModel.deleteMany({ source: 'kev', key: { $in: [...inNvd] } });
    await markPending([...inNvd]);
    await mergePendingContributions();
    const afterDelisting = await counted();
    expect(afterDelisting.kevListed).toBe(afterKev.kevListed - listedInNvd);
    expect(await readKbTotals()).toEqual(afterDelisting);
    expect(await getKbStats()).toMatchObject(afterDelisting);
    expect(await KbTotalsModel.findById('kb').lean()).toMatchObject({ writing: false });
  });

  it('are counted once for a KB from before them, then read, not counted', async () => {
    await KbTotalsModel.deleteMany({});
    const before = await counted();
    expect(await readKbTotals()).toEqual(before);
    // A record written around the merge (as only a test does) shows the second read is the kept figure.
    await KbVulnerabilityModel.collection.insertOne({ _id: 'CVE-2099-0002', vglId: 'VGL-999999', hash: 'x' } as never);
    expect(await readKbTotals()).toEqual(before);
    await KbVulnerabilityModel.deleteOne({ _id: 'CVE-2099-0002' });
  });

  it('are counted again by the next merge when a pass died between its writes and its counts', async () => {
    const truth = await counted();
    await KbTotalsModel.updateOne({ _id: 'kb' }, { $set: { writing: true, vulnerabilities: 1, kevListed: 1 } });
    // Meanwhile the page shows the last figures kept.
    expect(await readKbTotals()).toEqual({ vulnerabilities: 1, kevListed: 1 });
    await mergePendingContributions();
    expect(await readKbTotals()).toEqual(truth);
    expect(await KbTotalsModel.findById('kb').lean()).toMatchObject({ writing: false });
  });

  it('stay exact when two merges run at once: one at a time, neither fails on records the other created', async () => {
    await importFiles([NVD_2002]);
    const keys = (JSON.parse(readFileSync(NVD_2002, 'utf8')) as { vulnerabilities: { cve: { id: string } }[] }).vulnerabilities.map((v) => v.cve.id);
    // Their records gone (and the counts with them, to be counted again): both merges find every key to create.
    await KbVulnerabilityModel.deleteMany({ _id: { $in: keys } });
    await KbTotalsModel.deleteMany({});
    await markPending(keys);
    const results = await Promise.all([mergePendingContributions(), mergePendingContributions()]);
    expect(results.map((r) => r.created).sort((a, b) => a - b)).toEqual([0, keys.length]);
    expect(await KbVulnerabilityModel.countDocuments({ _id: { $in: keys } })).toBe(keys.length);
    expect(await readKbTotals()).toEqual(await counted());
  });
});
