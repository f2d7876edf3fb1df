import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KB_IMPORTERS } from '../../../../server/kb/importers/kb-importers';
import { osvJsonImporter } from '../../../../server/kb/importers/osv.importer';
import { KbContributionModel } from '../../../../server/models/kb-contribution.model';
import { KbVulnerabilityModel } from '../../../../server/models/kb-vulnerability.model';
import type { Runtime } from '../../../../server/runtime/runtime';
import { getKbStats, type KbStats } from '../../../../server/services/kb/get-kb-stats';
import { importKbFiles } from '../../../../server/services/kb/import-kb-files';
import { setKbSource } from '../../../../server/services/kb/set-kb-source';
import { upstreamIdOf } from '../../../../server/services/kb/store-contributions';
import { syncKbSources } from '../../../../server/services/kb/sync-kb-sources';
import { cleanEnv, PROJECT_ROOT, runVigil } from '../../../helpers/cli';
import { startFeedServer, type FeedServer } from '../../../helpers/feed-server';
import { collect } from '../../../helpers/kb-importers';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { dropDatabase, testDatabaseUri } from '../../../helpers/test-db';
import { entriesOf, osvFixtureJsonFiles, writeZip } from '../../kb/osv-zip-archives';

const { uri } = testDatabaseUri();
const TRACKER_JSON = path.join(PROJECT_ROOT, 'tests', 'fixtures', 'debian-tracker', 'security-tracker.json');
/** OSV's layout: one archive per ecosystem. The fixture's other OSV JSON goes in a third archive. */
const ECOSYSTEMS = { Go: ['go'], 'crates.io': ['crates.io'], Other: ['bitnami', 'psf', 'almalinux', 'samples-via-vuls-data-update'] };
const osvFiles = Object.values(ECOSYSTEMS).flatMap((folders) => osvFixtureJsonFiles(...folders));
const limits = { attempts: 2, backoffMs: 10, timeoutMs: 30_000 };
let runtime: Runtime;
let server: FeedServer;
let tmp: string;

const sync = (sourceIds: Parameters<typeof syncKbSources>[0]['sourceIds']) => syncKbSources({ dataDir: runtime.config.dataDir, importers: KB_IMPORTERS, trustedKeys: new Map(), sourceIds, limits });
const sourceStats = async (source: string) => (await getKbStats()).sources.find((s) => s.source === source)!;
const osvUrls = (...names: string[]) => names.map((name) => `${server.url}/osv/${encodeURIComponent(name)}/all.zip`);

async function snapshot() {
  const vulns = await KbVulnerabilityModel.find({}, { hash: 1, vglId: 1 }).sort({ _id: 1 }).lean();
  const contributions = await KbContributionModel.find({}, { hash: 1, importedAt: 1 }).sort({ _id: 1 }).lean();
  return JSON.stringify({ vulns, contributions });
}

beforeAll(async () => {
  runtime = await openTestRuntime({ uri });
  tmp = mkdtempSync(path.join(os.tmpdir(), 'vigil-kb-archives-'));
  const routes: Record<string, string> = { '/tracker/data/json': TRACKER_JSON };
  for (const [ecosystem, folders] of Object.entries(ECOSYSTEMS)) {
    routes[`/osv/${encodeURIComponent(ecosystem)}/all.zip`] = await writeZip(path.join(tmp, `${ecosystem}.zip`), entriesOf(osvFixtureJsonFiles(...folders)));
  }
  const whole = readFileSync(routes['/osv/Go/all.zip']!);
  routes['/osv/Damaged/all.zip'] = path.join(tmp, 'damaged.zip');
  writeFileSync(routes['/osv/Damaged/all.zip'], whole.subarray(0, whole.length - 100));
  const tracker = readFileSync(TRACKER_JSON);
  routes['/truncated/data/json'] = path.join(tmp, 'truncated-json');
  writeFileSync(routes['/truncated/data/json'], tracker.subarray(0, tracker.length - 500));
  server = await startFeedServer(routes);
  await setKbSource({ id: 'osv', urls: osvUrls(...Object.keys(ECOSYSTEMS)), encryption: runtime.encryption });
  await setKbSource({ id: 'debian-tracker-json', urls: [`${server.url}/tracker/data/json`], encryption: runtime.encryption });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await closeRuntime();
  await dropDatabase(uri);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('mirroring OSV ecosystem archives', () => {
  it('downloads each ecosystem archive and imports the same records as the files imported directly', async () => {
    const [report] = await sync(['osv']);
    expect(report).toMatchObject({ source: 'osv', outcome: 'updated', downloaded: 3, notModified: 0 });
    const direct = await Promise.all(osvFiles.map((file) => collect(osvJsonImporter, file)));
    expect(report!.import!.problems).toBe(direct.reduce((sum, r) => sum + r.problems.length, 0));
    const upstreamIds = new Set(direct.flatMap((r) => r.contributions.map(upstreamIdOf)));
    expect(upstreamIds.size).toBeGreaterThan(400);
    expect(await sourceStats('osv')).toMatchObject({ records: upstreamIds.size, contributions: direct.reduce((sum, r) => sum + r.contributions.length, 0), lastSyncOutcome: 'updated', lastError: null });

    // The same files imported one by one find every record already there, unchanged.
    const before = await snapshot();
    const again = await importKbFiles({ paths: osvFiles, importers: KB_IMPORTERS, trustedKeys: new Map() });
    expect(again.files.every((f) => f.format === 'osv-json' && !f.error && f.changed === 0)).toBe(true);
    expect(again.merge).toMatchObject({ created: 0, updated: 0 });
    expect(await snapshot()).toBe(before);
  }, 300_000);

  it('a second sync with unchanged archives downloads nothing and changes nothing', async () => {
    const before = [server.log.length, await snapshot()] as const;
    const [report] = await sync(['osv']);
    expect(report).toMatchObject({ outcome: 'not-modified', downloaded: 0, notModified: 3, bytes: 0 });
    const requests = server.log.slice(before[0]);
    expect(requests).toHaveLength(3);
    expect(requests.every((line) => line.endsWith(' 304'))).toBe(true);
    expect(await snapshot()).toBe(before[1]);
  });

  it('a damaged archive is refused whole, naming it, and nothing already stored changes', async () => {
    await setKbSource({ id: 'osv', urls: osvUrls('Go', 'Damaged'), encryption: runtime.encryption });
    const before = await snapshot();
    const [report] = await sync(['osv']);
    expect(report!.outcome).toBe('failed');
    expect(report!.error).toMatch(/^[0-9a-f]{12}-all\.zip: [0-9a-f]{12}-all\.zip: not a readable zip archive: /);
    expect(await snapshot()).toBe(before);
    const stats = await sourceStats('osv');
    expect(stats).toMatchObject({ lastSyncOutcome: 'failed', lastSyncError: expect.stringMatching(/not a readable zip archive/) });
    await setKbSource({ id: 'osv', urls: osvUrls(...Object.keys(ECOSYSTEMS)), encryption: runtime.encryption });
  });
});

describe('mirroring the Debian security-tracker JSON', () => {
  it('downloads and imports it as its own source, keyed on source packages per release', async () => {
    const [report] = await sync(['debian-tracker-json']);
    expect(report).toMatchObject({ source: 'debian-tracker-json', outcome: 'updated', downloaded: 1, import: { problems: 0 } });
    expect(await sourceStats('debian-tracker-json')).toMatchObject({ records: 10, contributions: 10, lastSyncOutcome: 'updated', lastError: null });
    const sudo = await KbVulnerabilityModel.findById('CVE-2021-3156').lean();
    expect(sudo!.sources).toContain('debian-tracker-json');
    expect(sudo!.affected.filter((a) => a.source === 'debian-tracker-json').map((a) => `${a.package} ${a.release} ${a.status} ${a.fixedVersion ?? ''}`).sort()).toEqual([
      'sudo bookworm fixed 1.9.5p1-1.1',
      'sudo buster fixed 1.8.27-1+deb10u3',
      'sudo sid fixed 1.9.5p1-1.1',
    ]);
    const unfixed = await KbVulnerabilityModel.findById('CVE-2020-36309').lean();
    expect(unfixed!.affected.find((a) => a.release === 'bullseye')).toMatchObject({ package: 'nginx', status: 'unfixed', source: 'debian-tracker-json' });
  });

  it('a second sync gets 304 and changes nothing', async () => {
    const before = await snapshot();
    const [report] = await sync(['debian-tracker-json']);
    expect(report).toMatchObject({ outcome: 'not-modified', downloaded: 0 });
    expect(server.log.at(-1)).toBe('GET /tracker/data/json 304');
    expect(await snapshot()).toBe(before);
  });

  it('a truncated download is refused with the file named, and the KB stays as it was', async () => {
    await setKbSource({ id: 'debian-tracker-json', urls: [`${server.url}/truncated/data/json`], encryption: runtime.encryption });
    const before = await snapshot();
    const [report] = await sync(['debian-tracker-json']);
    expect(report!.outcome).toBe('failed');
    expect(report!.error).toMatch(/^[0-9a-f]{12}-json: [0-9a-f]{12}-json: invalid JSON at position \d+ \(end of input: the file is truncated\)/);
    expect(await snapshot()).toBe(before);
    expect(await sourceStats('debian-tracker-json')).toMatchObject({ records: 10, lastSyncOutcome: 'failed' });
    await setKbSource({ id: 'debian-tracker-json', urls: [`${server.url}/tracker/data/json`], encryption: runtime.encryption });
  });
});

describe('vigil kb import / stats with the new formats', () => {
  const env = () => cleanEnv({ MONGODB_URI: uri, VIGIL_DATA_DIR: runtime.config.dataDir });

  it('detects an OSV archive and the tracker JSON, and stats --json shows both sources', async () => {
    const zip = path.join(tmp, 'Go.zip');
    const imported = await runVigil(['kb', 'import', zip, TRACKER_JSON], { env: env(), timeoutMs: 120_000 });
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/Go\.zip {2}osv-zip {2}\d+ records, 0 new or changed, \d+ unchanged/);
    expect(imported.stdout).toMatch(/security-tracker\.json {2}debian-tracker-json {2}10 records, 0 new or changed, 10 unchanged, 0 problems/);
    const stats = JSON.parse((await runVigil(['kb', 'stats', '--json'], { env: env() })).stdout) as KbStats;
    expect(stats.sources.map((s) => s.source)).toEqual(expect.arrayContaining(['osv', 'debian-tracker-json']));
    expect(stats.sources.find((s) => s.source === 'debian-tracker-json')).toMatchObject({ records: 10, lastSyncOutcome: 'failed' });
    expect(stats.sources.find((s) => s.source === 'osv')!.records).toBeGreaterThan(400);
  }, 180_000);
});
