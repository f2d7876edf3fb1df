import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KB_IMPORTERS } from '../../../../server/kb/importers/kb-importers';
import { KbVulnerabilityModel } from '../../../../server/models/kb-vulnerability.model';
import { getKbStats } from '../../../../server/services/kb/get-kb-stats';
import { setKbSource } from '../../../../server/services/kb/set-kb-source';
import { syncKbSources } from '../../../../server/services/kb/sync-kb-sources';
import type { Runtime } from '../../../../server/runtime/runtime';
import { freePort } from '../../../helpers/console';
import { startFeedServer, type FeedServer } from '../../../helpers/feed-server';
import { fixture } from '../../../helpers/fixtures';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { dropDatabase, testDatabaseUri } from '../../../helpers/test-db';

const { uri } = testDatabaseUri();
let runtime: Runtime;
let server: FeedServer;
const limits = { attempts: 3, backoffMs: 10, timeoutMs: 10_000 };

/** Emulates the NVD CVE API 2.0 over the fixture records: startIndex/resultsPerPage paging. */
function nvdApi(): (url: URL) => string {
  const all = readdirSync(fixture('nvd'))
    .filter((name) => name.startsWith('nvdcve-2015') || name.startsWith('nvdcve-2016'))
    .flatMap((name) => (JSON.parse(readFileSync(fixture('nvd', name), 'utf8')) as { vulnerabilities: unknown[] }).vulnerabilities);
  return (url) => {
    const start = Number(url.searchParams.get('startIndex') ?? 0);
    const perPage = Math.min(Number(url.searchParams.get('resultsPerPage') ?? 2000), 7); // a server that serves fewer than asked
    const page = all.slice(start, start + perPage);
    return JSON.stringify({ resultsPerPage: page.length, startIndex: start, totalResults: all.length, format: 'NVD_CVE', version: '2.0', timestamp: '2026-08-22T00:00:00.000', vulnerabilities: page });
  };
}

const sync = (sourceIds: Parameters<typeof syncKbSources>[0]['sourceIds']) =>
  syncKbSources({ dataDir: runtime.config.dataDir, importers: KB_IMPORTERS, trustedKeys: new Map(), sourceIds, limits, nvdPageDelayMs: 0 });

beforeAll(async () => {
  runtime = await openTestRuntime({ uri });
  server = await startFeedServer({
    '/kev.json': fixture('kev', 'known_exploited_vulnerabilities.subset.json'),
    '/alpine/v3.20/main.json': fixture('alpine', 'v3.20', 'main.json'),
    '/alpine/v3.21/main.json': fixture('alpine', 'v3.21', 'main.json'),
    '/debian/oval-bookworm.xml.bz2': fixture('debian', 'oval-definitions-bookworm.subset.xml.bz2'),
    '/epss.csv': fixture('epss', 'epss_scores-2025-08-25.subset.csv'),
    '/nvd/api': nvdApi(),
  });
  await setKbSource({ id: 'kev', urls: [`${server.url}/kev.json`], encryption: runtime.encryption });
  await setKbSource({ id: 'alpine-secdb', urls: [`${server.url}/alpine/v3.20/main.json`, `${server.url}/alpine/v3.21/main.json`], encryption: runtime.encryption });
  await setKbSource({ id: 'debian-oval', urls: [`${server.url}/debian/oval-bookworm.xml.bz2`], encryption: runtime.encryption });
  await setKbSource({ id: 'epss', urls: [`${server.url}/epss.csv`], encryption: runtime.encryption });
  await setKbSource({ id: 'nvd', urls: [`${server.url}/nvd/api`], encryption: runtime.encryption, authHeader: 'apiKey: test-key-marker' });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await closeRuntime();
  await dropDatabase(uri);
});

describe('KB mirror sync from a local HTTP mirror', () => {
  it('downloads and imports every configured file', async () => {
    const reports = await sync(['kev', 'alpine-secdb', 'debian-oval', 'epss']);
    expect(reports.map((r) => [r.source, r.outcome, r.downloaded])).toEqual([
      ['kev', 'updated', 1],
      ['epss', 'updated', 1],
      ['debian-oval', 'updated', 1],
      ['alpine-secdb', 'updated', 2],
    ]);
    const stats = await getKbStats();
    const kev = stats.sources.find((s) => s.source === 'kev')!;
    expect(kev.records).toBe(827);
    expect(stats.sources.find((s) => s.source === 'debian-oval')!.records).toBe(5680);
  }, 300_000);

  it('a second sync with unchanged files downloads nothing', async () => {
    const before = server.log.length;
    const reports = await sync(['kev', 'alpine-secdb', 'debian-oval', 'epss']);
    expect(reports.every((r) => r.outcome === 'not-modified' && r.downloaded === 0)).toBe(true);
    const requests = server.log.slice(before);
    expect(requests).toHaveLength(5);
    expect(requests.every((line) => line.endsWith(' 304'))).toBe(true);
    const kev = (await getKbStats()).sources.find((s) => s.source === 'kev');
    expect(kev).toMatchObject({ lastSyncOutcome: 'not-modified', lastSyncError: null });
    expect(kev!.ageHours).toBeLessThan(0.1);
  });

  it('pages through the NVD API, sending the stored API key header', async () => {
    const [report] = await sync(['nvd']);
    expect(report).toMatchObject({ source: 'nvd', outcome: 'updated' });
    expect(report!.downloaded).toBeGreaterThan(2);
    expect(server.log.filter((l) => l.includes('/nvd/api')).every((l) => l.endsWith(' 200'))).toBe(true);
    expect(await KbVulnerabilityModel.exists({ sources: 'nvd' })).not.toBeNull();
  });

  it('retries server errors, then succeeds', async () => {
    await setKbSource({ id: 'kev', urls: [`${server.url}/kev.json?v=2`], encryption: runtime.encryption });
    server.faults.set('/kev.json', [{ status: 503 }, { status: 502 }]);
    const [report] = await sync(['kev']);
    expect(report).toMatchObject({ outcome: 'updated', downloaded: 1 });
  });

  it('a login page instead of the feed fails clearly and changes nothing', async () => {
    await setKbSource({ id: 'kev', urls: [`${server.url}/kev.json?v=3`], encryption: runtime.encryption });
    server.faults.set('/kev.json', [{ status: 200, contentType: 'text/html; charset=utf-8', body: '<html>Please sign in</html>' }]);
    const before = await KbVulnerabilityModel.countDocuments({ kevListed: true });
    const [report] = await sync(['kev']);
    expect(report!.outcome).toBe('failed');
    expect(report!.error).toMatch(/answered with text\/html, not feed data/);
    expect(await KbVulnerabilityModel.countDocuments({ kevListed: true })).toBe(before);
    const status = (await getKbStats()).sources.find((s) => s.source === 'kev');
    expect(status).toMatchObject({ lastSyncOutcome: 'failed', lastSyncError: expect.stringMatching(/not feed data/), records: 827 });
  });

  it('an unreachable mirror fails after its retries with the reason', async () => {
    const closedPort = await freePort();
    await setKbSource({ id: 'epss', urls: [`http://127.0.0.1:${closedPort}/epss.csv`], encryption: runtime.encryption });
    const [report] = await sync(['epss']);
    expect(report!.outcome).toBe('failed');
    expect(report!.error).toBe(`http://127.0.0.1:${closedPort}/epss.csv: failed after 3 attempts: ECONNREFUSED`);
  });

  it('refuses unknown sources and non-http URLs', async () => {
    await expect(sync(['nope' as never])).rejects.toThrow(/unknown KB source: nope/);
    await expect(setKbSource({ id: 'kev', urls: ['file:///etc/passwd'], encryption: runtime.encryption })).rejects.toThrow(/only http\(s\) URLs/);
    await expect(setKbSource({ id: 'kev', authHeader: 'no colon here', encryption: runtime.encryption })).rejects.toThrow(/Name: value/);
  });
});
