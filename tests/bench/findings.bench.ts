import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import mongoose from 'mongoose';
import os from 'node:os';
import type { Document, Filter } from 'mongodb';
import path from 'node:path';
import type { Scope } from '../../server/auth/scope';
import { loadConfig } from '../../server/config/env';
import { PLAIN_COLLECTIONS, plainDb } from '../../server/db/plain-connection';
import { createLogger } from '../../server/logging/logger';
import { AssetModel, type Asset } from '../../server/models/asset.model';
import { BusinessUnitModel } from '../../server/models/business-unit.model';
import { FindingListCellPackModel } from '../../server/models/finding-list-cell-pack.model';
import { FindingListRowModel, type FindingListRow } from '../../server/models/finding-list-row.model';
import { FindingModel, SEVERITY_RANK, type FindingRecord } from '../../server/models/finding.model';
import type { KbSeverity } from '../../server/models/kb-vulnerability.model';
import { closeRuntime, openRuntime } from '../../server/runtime/runtime';
import { getDashboardOverview } from '../../server/services/dashboard/dashboard-overview';
import { buildCountersOnce } from '../../server/services/findings/counter-state';
import { contributionOf, ensureFindingListCells, rebuildFindingListCells, writeFindingListCells } from '../../server/services/findings/finding-list-cells';
import { listRowsOf, rowStampOf } from '../../server/services/findings/finding-list-rows';
import { tieHashOf } from '../../server/services/findings/tie-order';
import { ensureRankHistograms } from '../../server/services/trends/rank-histograms';
import { findingQuery, listFindings, sortOf, type FindingFilter } from '../../server/services/findings/list-findings';
import { refreshOpenFindingRollup } from '../../server/services/findings/risk-rollup';
import { riskBucket, riskScore } from '../../server/services/findings/risk-score';
import { DEFAULT_SLA_POLICY, slaDueAt } from '../../server/services/findings/sla';
import { rebuildFindingRollups } from '../../server/services/trends/rebuild-finding-trends';
import { startFerretDb } from '../helpers/ferretdb';
import { createPgDatabase, dropPgDatabase, pgDatabaseExists, pgDatabaseUrl } from '../helpers/postgres';

/**
 * `npm run bench -- findings` (README "Vulnerability workflow: trends, dashboard and benchmark"): 1,000,000 findings
 * over 20,000 assets in 10 business units (`FINDINGS_BENCH_SCALE=0.1`: a tenth), with the asset counters, trend
 * days and vulnerability counters the hook keeps (built by the rebuild functions); then 32 concurrent clients on the
 * findings list (the service the tRPC procedure calls) beside the same query through the raw driver, and on the
 * dashboard. Figures are printed, never asserted.
 */
const SCALE = Number(process.env.FINDINGS_BENCH_SCALE ?? '1');
const UNITS = 10;
const ASSETS = Math.round(20_000 * SCALE);
const FINDINGS_PER_ASSET = 50;
const VULNS = 5000;
/** `FINDINGS_BENCH_CLIENTS`: concurrent clients (32 as specified; fewer for a quick look). */
const CLIENTS = Number(process.env.FINDINGS_BENCH_CLIENTS ?? '32');
/**
 * `FINDINGS_BENCH_REQUESTS`: requests per client and phase (and kind). 50 (1,600 per phase): with 3, a p95 is the
 * fifth-worst of 96 and runs of the same code differed by 2× at p95; with 20, a phase of list pages read from their
 * heads lasts about a second, and one pause of the process moves its p95.
 */
const REQUESTS_PER_CLIENT = Number(process.env.FINDINGS_BENCH_REQUESTS ?? '50');
const INSERT_BATCH = 5000;
const DAY_MS = 86_400_000;
const SEVERITIES: KbSeverity[] = ['critical', 'high', 'high', 'medium', 'medium', 'medium', 'low', 'low', 'none', 'unknown'];

const line = (label: string, value: string) => process.stdout.write(`${label.padEnd(58)} ${value}\n`);
const unitOf = (i: number) => `unit-${String(i % UNITS).padStart(2, '0')}`;

/** A deterministic spread: every value of a field recurs, so filters select realistic shares. */
function findingsOf(assetIndex: number, asset: Asset, now: number): FindingRecord[] {
  return Array.from({ length: FINDINGS_PER_ASSET }, (_, j) => {
    const n = assetIndex * FINDINGS_PER_ASSET + j;
    const vuln = (n * 7919) % VULNS;
    const severity = SEVERITIES[vuln % SEVERITIES.length]!;
    const kev = vuln % 50 === 0;
    const cvss = severity === 'none' || severity === 'unknown' ? null : Math.round(((vuln % 90) / 10 + 1) * 10) / 10;
    const epss = (vuln % 100) / 100;
    const firstSeenAt = new Date(now - ((n % 180) + 1) * DAY_MS);
    // Status by n / 3, not n: severity follows n % 10, and the two must not move together.
    const phase = Math.floor(n / 3);
    const status = phase % 5 === 0 ? 'fixed' : phase % 5 === 1 ? 'new' : phase % 23 === 0 ? 'reopened' : 'active';
    const score = riskScore({ cvss, severity, epss, kev, criticality: asset.criticality });
    const vulnId = `CVE-2025-${String(10000 + vuln)}`;
    const _id = `${asset._id}|${vulnId} deb pkg-${vuln % 700}`;
    return {
      _id,
      tieHash: tieHashOf(_id),
      businessUnitId: asset.businessUnitId,
      assetId: asset._id,
      vulnId,
      vglId: `VGL-${vuln}`,
      cves: [vulnId],
      ecosystem: 'deb',
      package: `pkg-${vuln % 700}`,
      sourcePackage: null,
      installedVersion: '1.0-1',
      fixedVersion: '1.0-2',
      unfixed: false,
      severity,
      severityRank: SEVERITY_RANK[severity],
      cvss,
      epss,
      kev,
      kevDueAt: null,
      rule: 'bench',
      ruleSource: 'osv',
      confidence: 'confirmed',
      port: null,
      riskScore: score,
      riskBucket: riskBucket(score),
      slaDueAt: slaDueAt({ severity, firstSeenAt, kevDueAt: null, policy: DEFAULT_SLA_POLICY }),
      status,
      timesSeen: 1 + (n % 9),
      firstSeenAt,
      lastSeenAt: new Date(now - (n % 3) * DAY_MS),
      fixedAt: status === 'fixed' ? new Date(now - (n % 30) * DAY_MS) : null,
      fixedReason: status === 'fixed' ? 'not-seen-by-scan' : null,
      reopenedAt: status === 'reopened' ? new Date(now - (n % 20) * DAY_MS) : null,
      lastRunId: 'bench-run',
      assetName: asset.name,
      // One in 40 open findings is covered by an approved exception.
      exceptionId: status !== 'fixed' && n % 40 === 3 ? 'bench-exception' : null,
      exceptionState: status !== 'fixed' && n % 40 === 3 ? 'risk-accepted' : null,
      exceptionExpiresAt: null,
    } as FindingRecord;
  });
}

/** The asset's counters as refreshOpenFindingRollup keeps them. */
function withCounters(asset: Asset, findings: FindingRecord[]): Asset {
  for (const finding of findings) {
    if (finding.status === 'fixed' || finding.exceptionState) continue;
    asset.openFindings[finding.severity] += 1;
    asset.openFindings.total += 1;
    asset.risk.total = Math.round((asset.risk.total + finding.riskScore) * 10) / 10;
    asset.risk.max = Math.max(asset.risk.max, finding.riskScore);
  }
  asset.riskTotal = asset.risk.total;
  return asset;
}

/** Each unit's list-cell contributions per asset, counted from the findings as they are generated (their rows are written with them). */
const seededContributions = new Map<string, Map<string, { cells: ReturnType<typeof contributionOf>; rows: string[] }>>();

async function seed(now: number): Promise<void> {
  const start = performance.now();
  await BusinessUnitModel.insertMany(Array.from({ length: UNITS }, (_, i) => ({ _id: unitOf(i), name: unitOf(i), parentId: null, ancestors: [] })));
  let findings: FindingRecord[] = [];
  let rows: FindingListRow[] = [];
  let assets: Asset[] = [];
  const flush = async () => {
    if (findings.length > 0) await FindingModel.collection.insertMany(findings as never[], { ordered: false });
    if (rows.length > 0) await FindingListRowModel.collection.insertMany(rows as never[], { ordered: false });
    if (assets.length > 0) await AssetModel.collection.insertMany(assets as never[], { ordered: false });
    findings = [];
    rows = [];
    assets = [];
  };
  for (let i = 0; i < ASSETS; i++) {
    const id = `asset-${String(i).padStart(6, '0')}`;
    const asset = {
      _id: id, businessUnitId: unitOf(i), name: `host-${i}.bench`, hostnames: [`host-${i}.bench`], addresses: [`127.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`], sshHostKeys: [], macs: [],
      os: null, kernel: null, services: [], packageCount: 700, inventoryAt: null, openFindings: { critical: 0, high: 0, medium: 0, low: 0, none: 0, unknown: 0, total: 0 },
      criticality: 1 + (i % 5), risk: { max: 0, total: 0 }, riskTotal: 0, lastScanRunId: 'bench-run', firstSeenAt: new Date(now - 200 * DAY_MS), lastSeenAt: new Date(now), hostKeyAlert: null, evidence: { services: null, inventory: null },
    } as Asset;
    const own = findingsOf(i, asset, now);
    findings.push(...own);
    const ownRows = own.flatMap(listRowsOf);
    rows.push(...ownRows);
    const contributions = seededContributions.get(asset.businessUnitId) ?? new Map();
    seededContributions.set(asset.businessUnitId, contributions.set(id, { cells: contributionOf(own), rows: ownRows.map(rowStampOf) }));
    assets.push(withCounters(asset, own));
    if (findings.length >= INSERT_BATCH) await flush();
  }
  await flush();
  const inserted = performance.now();
  line('seed: findings, their list rows + assets (insertMany, batches of 5,000)', `${ASSETS * FINDINGS_PER_ASSET} findings, ${ASSETS} assets in ${((inserted - start) / 1000).toFixed(1)} s`);
  for (let u = 0; u < UNITS; u++) await rebuildFindingRollups({ businessUnitId: unitOf(u), day: new Date(now), now: new Date(now) });
  line('seed: trend day + vulnerability and KEV counters (rebuild)', `${UNITS} units in ${((performance.now() - inserted) / 1000).toFixed(1)} s`);
}

/**
 * The findings list's cells and the dashboard's histograms. Freshly seeded, the cells are written from the
 * contributions counted while generating (contributionOf, as the roll-up counts); a kept database without them is
 * built as the `finding-counters` job builds it. Then one unit's recount from its findings is timed and compared.
 */
async function buildCounters(): Promise<void> {
  const start = performance.now();
  const cells = seededContributions.size > 0
    ? await buildCountersOnce('list-cells-v4', (businessUnitId) => writeFindingListCells({ businessUnitId, contributions: seededContributions.get(businessUnitId) ?? new Map() }))
    : await ensureFindingListCells();
  const built = performance.now();
  if (cells.rebuiltUnits > 0) line(`findings list cells (first build${seededContributions.size > 0 ? ', from the seed' : ''})`, `${cells.rebuiltUnits} units in ${((built - start) / 1000).toFixed(1)} s`);
  {
    const cellsOfUnit = async () => JSON.stringify(await FindingListCellPackModel.find({ businessUnitId: unitOf(0) }, { counts: 1 }).sort({ _id: 1 }).lean());
    const seededCells = await cellsOfUnit();
    const recountStart = performance.now();
    const { findings } = await rebuildFindingListCells({ businessUnitId: unitOf(0) });
    const recounted = `${findings} findings in ${((performance.now() - recountStart) / 1000).toFixed(1)} s`;
    line('findings list cells and rows: one unit recounted', `${recounted}, ${(await cellsOfUnit()) === seededCells ? 'equal to' : 'DIFFERENT from'} the cells before`);
  }
  const counted = performance.now();
  const histograms = await ensureRankHistograms();
  if (histograms.rebuiltUnits > 0) line('dashboard rank histograms (first build)', `${histograms.rebuiltUnits} units in ${((performance.now() - counted) / 1000).toFixed(1)} s`);
}

const psql = (pgUrl: string, sql: string) => execFileSync('psql', [pgUrl, '-At', '-c', sql]).toString().trim();

/**
 * What autovacuum does after a bulk load, done at once: the machines here run PostgreSQL with autovacuum off, and
 * without it every GIN index scan also reads the index's whole pending list (a rank-key lookup: 2.4 ms → 0.2 ms).
 */
async function vacuum(pgUrl: string): Promise<void> {
  const start = performance.now();
  psql(pgUrl, 'VACUUM (ANALYZE)');
  line('VACUUM (ANALYZE), standing in for autovacuum', `${((performance.now() - start) / 1000).toFixed(1)} s`);
}

/** Waits until the launcher has made its GIN index for each field the findings' and assets' indexes name. */
async function pushdownIndexesReady(pgUrl: string): Promise<void> {
  const start = performance.now();
  const count = () => Number(psql(pgUrl, "SELECT count(*) FROM pg_indexes WHERE indexname LIKE '%\\_vgin\\_%'"));
  let last = -1;
  // Stable for 10 s: the launcher builds one at a time, 2 s apart at most.
  for (let stableSince = performance.now(); performance.now() - stableSince < 10_000; await new Promise((resolve) => setTimeout(resolve, 1000))) {
    const now = count();
    if (now !== last) [last, stableSince] = [now, performance.now()];
  }
  line('pushdown indexes (GIN, made by the launcher)', `${last} in ${((performance.now() - start) / 1000 - 10).toFixed(1)} s`);
}

/** The database operations one service call issues (mongoose's debug hook), replayed through the raw driver at once. */
type RecordedQuery = { collection: string; method: 'find' | 'findOne' | 'countDocuments'; filter: Filter<Document>; projection?: Document };
async function recordQueries(call: () => Promise<unknown>): Promise<RecordedQuery[]> {
  const recorded: RecordedQuery[] = [];
  mongoose.set('debug', (collection: string, method: string, filter: Filter<Document>, options?: { projection?: Document }) => {
    if (method === 'find' || method === 'findOne' || method === 'countDocuments') recorded.push({ collection, method, filter, projection: options?.projection });
  });
  try {
    await call();
  } finally {
    mongoose.set('debug', false);
  }
  return recorded;
}
const replay = (queries: RecordedQuery[]) =>
  Promise.all(
    queries.map(({ collection, method, filter, projection }) => {
      // Through the connection the service uses for it: the plain one for the list's rows and packs.
      const raw = ((PLAIN_COLLECTIONS as readonly string[]).includes(collection) ? plainDb() : mongoose.connection.db!).collection(collection);
      return method === 'countDocuments' ? raw.countDocuments(filter) : method === 'findOne' ? raw.findOne(filter, { projection }) : raw.find(filter, { projection }).toArray();
    }),
  );

/** Where the next roll-ups begin: each phase rolls up other assets. */
let rollupOffset = 0;

/** `work` while assets' roll-ups run one after another beside it, as when scan results arrive; and their rate. */
async function besideRollups<T>(work: () => Promise<T>): Promise<{ figures: T; rollupsPerSecond: number }> {
  let rollups = 0;
  let ingesting = true;
  const start = performance.now();
  const ingest = (async () => {
    for (let i = rollupOffset; ingesting; i++, rollupOffset++) {
      await refreshOpenFindingRollup({ assetId: `asset-${String((i * 7919) % ASSETS).padStart(6, '0')}` });
      rollups += 1;
    }
  })();
  const figures = await work();
  ingesting = false;
  await ingest;
  return { figures, rollupsPerSecond: (rollups / (performance.now() - start)) * 1000 };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

type Figures = { p50: number; p95: number; p99: number; perSecond: number };

/**
 * CLIENTS concurrent clients, each issuing REQUESTS_PER_CLIENT of each kind one after the other, the kinds taken in
 * turn (a client's i-th request of each kind is the same); latencies in ms, per kind. Kinds driven together meet the
 * same load, the same garbage collections and the same caches.
 */
async function driveEach(requests: readonly ((client: number, i: number) => Promise<unknown>)[]): Promise<Figures[]> {
  const latencies = requests.map((): number[] => []);
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let i = 0; i < REQUESTS_PER_CLIENT * requests.length; i++) {
        const kind = (client + i) % requests.length;
        const begin = performance.now();
        await requests[kind]!(client, Math.floor(i / requests.length));
        latencies[kind]!.push(performance.now() - begin);
      }
    }),
  );
  const elapsed = performance.now() - start;
  return latencies.map((own) => {
    const sorted = own.sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), perSecond: (own.length / elapsed) * 1000 };
  });
}

const drive = async (request: (client: number, i: number) => Promise<unknown>) => (await driveEach([request]))[0]!;

const show = (figures: Figures) =>
  `p50 ${figures.p50.toFixed(1)} ms  p95 ${figures.p95.toFixed(1)} ms  p99 ${figures.p99.toFixed(1)} ms  (${figures.perSecond.toFixed(0)}/s)`;

/** The filters people use most: open, then open and critical, open KEV, open and breached. */
const FILTERS: FindingFilter[] = [{ status: 'open' }, { status: 'open', severity: 'critical' }, { status: 'open', kev: true }, { status: 'open', exception: 'none', severity: 'high' }];
const SORT = { by: 'risk', direction: 'desc' } as const;
const unitScope = (client: number): Scope => ({ kind: 'units', businessUnitIds: [unitOf(client)] });

export async function run(): Promise<void> {
  // FINDINGS_BENCH_DB=NAME: seed into that PostgreSQL database and keep it; a later run with the same name measures
  // again without seeding (the seed of 1,000,000 findings takes most of an hour on two cores).
  const kept = process.env.FINDINGS_BENCH_DB;
  const pgName = kept ?? `vigil_bench_findings_${process.pid}`;
  const seeded = kept !== undefined && pgDatabaseExists(pgName);
  const pgUrl = seeded ? pgDatabaseUrl(pgName) : createPgDatabase(pgName);
  const drop = () => (kept ? undefined : dropPgDatabase(pgName));
  // FINDINGS_BENCH_PUSHDOWN_INDEXES=false: FerretDB as it comes, for comparison.
  const ferret = await startFerretDb(['--backend', 'postgresql', '--postgresql-url', pgUrl, `--pushdown-indexes=${process.env.FINDINGS_BENCH_PUSHDOWN_INDEXES ?? 'true'}`]);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-'));
  // Interrupted (Ctrl-C, timeout): its FerretDB and PostgreSQL database go too.
  const interrupted = () => void ferret.stop().then(drop).finally(() => process.exit(130));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const config = loadConfig({ MONGODB_URI: `${ferret.uri.replace(/\/+$/, '')}/vigil`, VIGIL_DATA_DIR: dataDir });
    await openRuntime({ config, log: createLogger({ level: 'silent' }) });
    await Promise.all([FindingModel.init(), AssetModel.init(), FindingListRowModel.init()]);
    const now = Date.now();
    // Counted by PostgreSQL: FerretDB would read and decode every finding to count them.
    if (seeded) line('seed', `kept in ${pgName}: ${psql(pgUrl, `SELECT count(*) FROM vigil.${psql(pgUrl, "SELECT tablename FROM pg_tables WHERE schemaname = 'vigil' AND tablename LIKE 'findings\\_%'")}`)} findings`);
    else await seed(now);
    await buildCounters();
    if (process.env.FINDINGS_BENCH_PUSHDOWN_INDEXES !== 'false') await pushdownIndexesReady(pgUrl);
    await vacuum(pgUrl);

    const alone = async (work: () => Promise<unknown>) => {
      const begin = performance.now();
      await work();
      return performance.now() - begin;
    };
    line('dashboard load, one unit, alone', `${(await alone(() => getDashboardOverview({ scope: unitScope(0) }))).toFixed(0)} ms`);
    line(`dashboard load, all ${UNITS} units, alone`, `${(await alone(() => getDashboardOverview({ scope: { kind: 'units', businessUnitIds: Array.from({ length: UNITS }, (_, u) => unitOf(u)) } }))).toFixed(0)} ms`);
    line(`dashboard, ${CLIENTS} clients`, show(await drive((client) => getDashboardOverview({ scope: unitScope(client) }))));
    const list = (unkept: boolean, page = 1) => (client: number, i: number) => listFindings({ scope: unitScope(client), filter: FILTERS[(client + i) % FILTERS.length]!, page, pageSize: 50, sort: SORT, unkept });
    // The pages read each time (no page kept by the console): the work the raw driver's replay repeats.
    const listService = list(true);
    // The first read of each (unit, filter) makes its list head from the rows; the reads measured find it made.
    const heads = await alone(async () => {
      for (let client = 0; client < Math.min(CLIENTS, UNITS); client++) for (let i = 0; i < FILTERS.length; i++) await listService(client, i);
    });
    line(`list heads: a first read of each unit and filter (makes those missing)`, `${Math.min(CLIENTS, UNITS) * FILTERS.length} in ${(heads / 1000).toFixed(1)} s`);
    // What one request of a filter costs the database, recorded from the service for each (unit, filter).
    const recorded = new Map<string, RecordedQuery[]>();
    for (let client = 0; client < Math.min(CLIENTS, UNITS); client++)
      for (let i = 0; i < FILTERS.length; i++) recorded.set(`${client % UNITS}|${(client + i) % FILTERS.length}`, await recordQueries(() => listService(client, i)));
    const listRaw = (client: number, i: number) => replay(recorded.get(`${client % UNITS}|${(client + i) % FILTERS.length}`) ?? []);
    for (const [f, filter] of FILTERS.entries()) {
      const work = await Promise.all(
        [...recorded].filter(([key]) => key.endsWith(`|${f}`)).map(async ([, queries]) => ({ queries: queries.length, documents: (await replay(queries)).reduce<number>((sum, found) => sum + (Array.isArray(found) ? found.length : found === null ? 0 : 1), 0) })),
      );
      const mean = (of: (one: (typeof work)[number]) => number) => (work.reduce((sum, one) => sum + of(one), 0) / work.length).toFixed(1);
      line(`  one page read of ${JSON.stringify(filter)}: queries / documents (mean of the units)`, `${mean((one) => one.queries)} / ${mean((one) => one.documents)}`);
    }
    line('findings list, one client, alone (service / raw driver)', `${(await alone(() => listService(0, 0))).toFixed(0)} ms / ${(await alone(() => listRaw(0, 0))).toFixed(0)} ms`);
    const naive = findingQuery({ scope: unitScope(0), filter: FILTERS[0]!, now: new Date(), dueSoonDays: DEFAULT_SLA_POLICY.dueSoonDays }) as Filter<Document>;
    line(
      'one query over the findings (find+sort+limit, count), alone',
      `${(await alone(() => Promise.all([FindingModel.collection.find(naive).sort(sortOf(SORT)).limit(50).toArray(), FindingModel.collection.countDocuments(naive)]))).toFixed(0)} ms`,
    );
    // Once each unmeasured first: the process's first thousands of pages run slower (compilation, the heap's growth).
    await drive(listService);
    await drive(listRaw);
    const service = await drive(listService);
    const raw = await drive(listRaw);
    line(`findings list, ${CLIENTS} clients, page 1 of 50 by risk (service)`, show(service));
    line(`findings list, the same queries through the raw driver`, show(raw));
    line('findings list p95 ratio service / raw driver', `${(service.p95 / raw.p95).toFixed(2)}x`);
    // The two at once, each client taking them in turn: both under the same load.
    const [serviceBeside, rawBeside] = await driveEach([listService, listRaw]);
    line(`findings list, service and raw driver in turn, ${CLIENTS} clients: service`, show(serviceBeside!));
    line(`  raw driver`, show(rawBeside!));
    line('  p95 ratio service / raw driver', `${(serviceBeside!.p95 / rawBeside!.p95).toFixed(2)}x`);
    // Past the list heads: page 3 is read from the rows each time.
    line(`  page 3 of 50 (from the rows), ${CLIENTS} clients`, show(await drive(list(true, 3))));
    // Each roll-up changes the heads its asset's findings are in or enter.
    const fresh = await besideRollups(() => drive(listService));
    line(`  page 1 read each time, beside asset roll-ups (${fresh.rollupsPerSecond.toFixed(1)}/s)`, show(fresh.figures));
    const rollupsAlone = await besideRollups(() => new Promise((resolve) => setTimeout(resolve, 10_000)));
    line('asset roll-ups one after another, nothing beside them (10 s)', `${rollupsAlone.rollupsPerSecond.toFixed(1)}/s`);
    // As the console serves it: pages kept while their unit's list is unchanged (list-page-cache.ts). First from
    // none kept (every (unit, filter) read once, by 32 clients at once), then again with all kept.
    const cold = await drive(list(false));
    line(`findings list, ${CLIENTS} clients, pages kept by the console: from none`, show(cold));
    const kept = await drive(list(false));
    line(`  again, every page kept`, show(kept));
    line('findings list p95 ratio kept pages / raw driver', `${(kept.p95 / raw.p95).toFixed(2)}x`);
    // The same while assets' roll-ups run one after another (as scan results arrive), each changing its unit's list.
    const keptWhileIngesting = await besideRollups(() => drive(list(false)));
    line(`  the same beside asset roll-ups (${keptWhileIngesting.rollupsPerSecond.toFixed(1)}/s)`, show(keptWhileIngesting.figures));
  } finally {
    await closeRuntime();
    await ferret.stop();
    drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
