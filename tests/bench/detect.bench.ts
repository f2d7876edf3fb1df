import { execFileSync } from 'node:child_process';
import { deflateSync } from 'node:zlib';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config/env';
import { detect, evaluatePlan, planDetection, queryKbLookup } from '../../server/detection/detect';
import type { AffectedEntry, DetectionRecord } from '../../server/detection/detection-types';
import type { Inventory } from '../../server/inventory/inventory.schema';
import { collectLocalInventory } from '../../server/inventory/collect-local-inventory';
import { createLogger } from '../../server/logging/logger';
import { DetectionResultModel } from '../../server/models/detection-result.model';
import { InventoryModel } from '../../server/models/inventory.model';
import { withKbGeneration } from '../../server/models/kb-generation.model';
import { KbVulnerabilityModel } from '../../server/models/kb-vulnerability.model';
import { closeRuntime, openRuntime } from '../../server/runtime/runtime';
import { REEVALUATION_BATCH, runReevaluation, startReevaluation } from '../../server/services/detection/reevaluate-inventories';
import { toStoredInventory } from '../../server/services/detection/stored-inventory';
import { forEachWrite } from '../../server/db/write-limits';
import { startFerretDb } from '../helpers/ferretdb';
import { PROJECT_ROOT } from '../helpers/cli';
import { createPgDatabase, dropPgDatabase } from '../helpers/postgres';
import { DETECTION_KB_FILES, importDetectionKb, inMemoryLookup, loadFixtureKbInMemory } from '../server/detection/golden/fixture-kb';

/**
 * `npm run bench -- detect` (README "Detection — benchmarks"):
 * (a) this host's inventory against the fixture KB and against a synthetic KB of 100k advisories, ms per host;
 * (b) re-evaluation of 10,000 stored inventories after a KB change, wall time;
 * (c) side by side with debsecan reading a file:// feed in its own format, made here from the same advisories,
 *     on the same package list: the time ratio and whether both report the same (CVE, package) pairs.
 */

const line = (label: string, value: string) => process.stdout.write(`${label.padEnd(58)} ${value}\n`);
const SYNTHETIC_ADVISORIES = 100_000;
/** `DETECT_BENCH_PARTS=b,c` runs only some parts (each part costs minutes on FerretDB). */
const PARTS = new Set((process.env.DETECT_BENCH_PARTS ?? 'a,b,c').split(','));
const STORED_INVENTORIES = 10_000;

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

/** The first detection after a KB change (the detection KB cache loads what changed), then warm runs. */
async function coldAndWarm(label: string, inventory: Inventory, runs: number): Promise<void> {
  const before = rssMb();
  const cold = await timed(() => detect({ inventory }));
  line(`${label}: first run (cache load)`, `${cold.ms.toFixed(0)} ms, ${cold.value.findings.length} findings, RSS ${before.toFixed(0)} → ${rssMb().toFixed(0)} MB`);
  const warm = await perHost(inventory, runs);
  line(`${label}: per host (cache warm)`, `${warm.ms.toFixed(1)} ms per host, ${warm.findings} findings`);
}

async function perHost(inventory: Inventory, runs: number): Promise<{ ms: number; findings: number }> {
  let total = 0;
  let findings = 0;
  for (let i = 0; i < runs; i++) {
    const { value, ms } = await timed(() => detect({ inventory }));
    total += ms;
    findings = value.findings.length;
  }
  return { ms: total / runs, findings };
}

/** 100k advisories: deb/debian/bookworm statements about this host's source packages and many others. */
function syntheticRecords(inventory: Inventory): DetectionRecord[] {
  const sources = [...new Set(inventory.packages.map((p) => p.source ?? p.name))].sort();
  const records: DetectionRecord[] = [];
  for (let i = 0; i < SYNTHETIC_ADVISORIES; i++) {
    // One advisory in ten names a package of this host; the rest name 20,000 packages it does not have.
    const pkg = i % 10 === 0 ? sources[(i / 10) % sources.length]! : `synthetic-pkg-${i % 20_000}`;
    const status = i % 17 === 0 ? 'not-affected' : i % 13 === 0 ? 'unfixed' : 'fixed';
    const entry: AffectedEntry = { ecosystem: 'deb', distro: 'debian', release: 'bookworm', package: pkg, sourcePackage: true, status, source: 'debian-oval' };
    if (status === 'fixed') entry.fixedVersion = i % 2 === 0 ? '0.1-1' : '999:1.0-1';
    const id = `CVE-2099-${String(i).padStart(6, '0')}`;
    records.push({ _id: id, vglId: `VGL-9${String(i).padStart(6, '0')}`, aliases: [id], severity: 'medium', cvssScore: 5, epss: null, kevListed: false, affected: [entry], affectedPackages: [`deb:${pkg}`] });
  }
  return records;
}

/** Written like the merge writes: inside a KB generation, stamped, so detection KB caches see them. */
async function insertRecords(records: DetectionRecord[]): Promise<void> {
  const now = new Date();
  await withKbGeneration(async (kbGeneration) => {
    for (let i = 0; i < records.length; i += 2000) {
      await KbVulnerabilityModel.collection.insertMany(records.slice(i, i + 2000).map((r) => ({ ...r, hash: 'synthetic', title: r._id, rejected: false, kbGeneration, createdAt: now, updatedAt: now })) as never[], { ordered: false });
    }
  });
}

const rssMb = () => process.memoryUsage().rss / 1024 / 1024;

/** debsecan's feed (VERSION 1, zlib): vulnerabilities, then `package,vuln#,flags,fixed,other` lines, then source→binaries. */
function debsecanFeed(records: DetectionRecord[]): Buffer {
  const rank = (s: string) => ['debian-oval', 'debian-tracker', 'osv'].indexOf(s);
  const vulns: string[] = [];
  const lines: string[] = [];
  for (const record of [...records].sort((a, b) => (a._id < b._id ? -1 : 1))) {
    const bookworm = (record.affected as AffectedEntry[]).filter((e) => e.ecosystem === 'deb' && e.distro === 'debian' && (e.release === 'bookworm' || e.release === undefined) && rank(e.source) >= 0);
    const byPackage = new Map<string, AffectedEntry[]>();
    for (const e of bookworm) byPackage.set(e.package, [...(byPackage.get(e.package) ?? []), e]);
    for (const [pkg, entries] of byPackage) {
      // The same deciding rule as Vigil's distro driver: the best-ranked source decides.
      const best = Math.min(...entries.map((e) => rank(e.source)));
      const deciding = entries.filter((e) => rank(e.source) === best);
      if (deciding.some((e) => e.status === 'not-affected' || e.fixedVersion === '0')) continue;
      const unfixed = deciding.some((e) => e.status === 'unfixed' && !e.fixedVersion);
      const fixes = deciding.map((e) => e.fixedVersion).filter((v): v is string => Boolean(v));
      const fixed = unfixed ? '' : fixes.sort((a, b) => (dpkgGt(a, b) ? -1 : 1))[0] ?? '';
      if (!unfixed && !fixed) continue;
      let index = vulns.indexOf(record._id);
      if (index === -1) index = vulns.push(record._id) - 1;
      lines.push(`${pkg},${index},S ?${fixed ? 'F' : ' '},${fixed},`);
    }
  }
  const text = ['VERSION 1', ...vulns.map((v) => `${v},,${v}`), '', ...lines, '', ''].join('\n');
  return deflateSync(Buffer.from(text));
}

const gtCache = new Map<string, boolean>();
function dpkgGt(a: string, b: string): boolean {
  const key = `${a} ${b}`;
  if (!gtCache.has(key)) {
    let gt = true;
    try {
      execFileSync('dpkg', ['--compare-versions', a, 'gt', b]);
    } catch {
      gt = false;
    }
    gtCache.set(key, gt);
  }
  return gtCache.get(key)!;
}

function dpkgStatus(inventory: Inventory): string {
  return inventory.packages
    .filter((p) => p.ecosystem === 'deb')
    .map((p) => `Package: ${p.name}\nStatus: install ok installed\nVersion: ${p.version}\n${p.source && p.source !== p.name ? `Source: ${p.source}${p.sourceVersion && p.sourceVersion !== p.version ? ` (${p.sourceVersion})` : ''}\n` : ''}Architecture: ${p.arch ?? 'amd64'}\n`)
    .join('\n');
}

/**
 * Ways to write one re-evaluation batch of results over 10,000 stored ones (a scratch collection): one replace per
 * result, sequential or a few at a time (forEachWrite, what saveDetectionResults does), or deleteMany + insertMany.
 */
async function compareResultWrites(results: { _id: string }[]): Promise<void> {
  const scratch = DetectionResultModel.db.collection<{ _id: string }>('bench_result_writes');
  const filler = Array.from({ length: STORED_INVENTORIES - results.length }, (_, i) => ({ ...results[i % results.length]!, _id: `filler-${i}` }));
  for (let i = 0; i < filler.length; i += 500) await scratch.insertMany(filler.slice(i, i + 500));
  await scratch.insertMany(results);
  const sequential = await timed(async () => {
    for (const r of results) await scratch.replaceOne({ _id: r._id }, r, { upsert: true });
  });
  const parallel = await timed(() => forEachWrite(results, (r) => scratch.replaceOne({ _id: r._id }, r, { upsert: true })));
  const swap = await timed(async () => {
    await scratch.deleteMany({ _id: { $in: results.map((r) => r._id) } });
    for (let i = 0; i < results.length; i += 500) await scratch.insertMany(results.slice(i, i + 500));
  });
  line(`(b) writing ${results.length} results`, `replaceOne sequential ${sequential.ms.toFixed(0)} ms, forEachWrite ${parallel.ms.toFixed(0)} ms, deleteMany+insertMany ${swap.ms.toFixed(0)} ms`);
  await scratch.drop();
}

export async function run(): Promise<void> {
  const pgName = `vigil_bench_detect_${process.pid}`;
  const ferret = await startFerretDb(['--backend', 'postgresql', '--postgresql-url', createPgDatabase(pgName)]);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-'));
  try {
    const config = loadConfig({ MONGODB_URI: `${ferret.uri.replace(/\/+$/, '')}/vigil`, VIGIL_DATA_DIR: dataDir });
    await openRuntime({ config, log: createLogger({ level: 'silent' }) });
    const { inventory: host } = await collectLocalInventory();
    line('this host', `${host.os.name} ${host.os.version}, ${host.packages.length} packages`);

    if (PARTS.has('a')) {
      // (a) fixture KB
      const imported = await timed(() => importDetectionKb());
      line('fixture KB import (detection subset)', `${DETECTION_KB_FILES.length} files, ${await KbVulnerabilityModel.estimatedDocumentCount()} records, ${imported.ms.toFixed(0)} ms`);
      await coldAndWarm('(a) this host vs fixture KB (FerretDB)', host, 5);

      // (a) synthetic 100k
      const synthetic = syntheticRecords(host);
      const insert = await timed(() => insertRecords(synthetic));
      line('synthetic KB insert', `${SYNTHETIC_ADVISORIES} advisories in ${insert.ms.toFixed(0)} ms`);
      await coldAndWarm('(a) this host vs fixture + 100k synthetic (FerretDB)', host, 5);
      const noCache = await timed(() => detect({ inventory: host, lookup: queryKbLookup }));
      line('(a) the same without the cache ($in query)', `${noCache.ms.toFixed(0)} ms per host, ${noCache.value.findings.length} findings`);
      const memoryLookup = inMemoryLookup(synthetic);
      const inMemory = await timed(async () => {
        for (let i = 0; i < 5; i++) await detect({ inventory: host, lookup: memoryLookup });
      });
      line('(a) this host vs 100k synthetic, KB in memory (matching only)', `${(inMemory.ms / 5).toFixed(1)} ms per host`);
    }

    // (b) 10,000 stored inventories (variants of the golden Debian 12 inventory), a KB change, re-evaluation
    if (PARTS.has('b')) {
      if (!PARTS.has('a')) {
        const imported = await timed(() => importDetectionKb());
        line('fixture KB import (detection subset)', `${imported.ms.toFixed(0)} ms`);
      }
      // In chunks: FerretDB deletes the matched records in one statement, limited to 65,535 parameters.
      if (PARTS.has('a')) await withKbGeneration(
        async () => {
          const ids = Array.from({ length: SYNTHETIC_ADVISORIES }, (_, i) => `CVE-2099-${String(i).padStart(6, '0')}`);
          for (let i = 0; i < ids.length; i += 20_000) await KbVulnerabilityModel.deleteMany({ _id: { $in: ids.slice(i, i + 20_000) } });
        },
        { reset: true },
      );
      const fleetBase = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'tests', 'fixtures', 'detection', 'debian12-host.inventory.json'), 'utf8')) as Inventory;
      const core = fleetBase.packages.slice(-12); // the packages one update behind: every host has them
      const fleet = Array.from({ length: STORED_INVENTORIES }, (_, i) => {
        const sample = fleetBase.packages.slice(0, -12).filter((_, j) => (j * 7 + i) % 5 === 0).slice(0, 48);
        const inventory: Inventory = { host: `bench-${i}`, os: fleetBase.os, packages: [...core, ...sample], services: [] };
        return { inventory, stored: toStoredInventory({ assetKey: `bench-${String(i).padStart(5, '0')}`, inventory }) };
      });
      const storeTime = await timed(async () => {
        for (let i = 0; i < fleet.length; i += 500) await InventoryModel.collection.insertMany(fleet.slice(i, i + 500).map((f) => f.stored) as never[]);
      });
      // Their current results, computed from the same KB held in memory.
      const fixture = await loadFixtureKbInMemory();
      const results = [];
      for (const { inventory, stored } of fleet) {
        const plan = planDetection(inventory);
        const result = evaluatePlan(plan, await fixture.lookup(plan.keys));
        results.push({ _id: stored._id, findings: result.findings, vulnIds: [...new Set(result.findings.map((f) => f.vulnId))], problemCount: 0, problems: [], evaluatedAt: new Date(), lastChange: null });
      }
      for (let i = 0; i < results.length; i += 500) await DetectionResultModel.collection.insertMany(results.slice(i, i + 500) as never[]);
      line('stored inventories (+ current results)', `${STORED_INVENTORIES} of ${core.length + 48} packages in ${storeTime.ms.toFixed(0)} ms, ${results.reduce((n, r) => n + r.findings.length, 0)} findings`);
      // The KB change: every bookworm statement about the core packages' sources gets a fixed version one revision
      // later (those already fixed in the installed version now look vulnerable, those vulnerable change evidence).
      const coreSources = new Set(core.map((p) => p.source ?? p.name));
      const touched = fixture.records.filter((r) => (r.affected as AffectedEntry[]).some((e) => e.release === 'bookworm' && coreSources.has(e.package) && e.fixedVersion));
      const changed = touched.slice(0, 200);
      const warmCache = await timed(() => detect({ inventory: fleet[0]!.inventory }));
      line('detection KB cache load (fixture KB)', `${warmCache.ms.toFixed(0)} ms`);
      await withKbGeneration((kbGeneration) =>
        forEachWrite(changed, (r) =>
          KbVulnerabilityModel.updateOne(
            { _id: r._id },
            { $set: { kbGeneration, affected: (r.affected as AffectedEntry[]).map((e) => (e.release === 'bookworm' && coreSources.has(e.package) && e.fixedVersion ? { ...e, fixedVersion: `${e.fixedVersion}.1`, ranges: [{ introduced: '0', fixed: `${e.fixedVersion}.1` }] } : e)) } },
          ),
        ),
      );
      let started = 0;
      const reevaluation = await timed(async () => {
        const run = await startReevaluation(changed.map((r) => r._id));
        started = performance.now();
        return run ? runReevaluation(run._id, { onProgress: (p) => line('  batch done', `${p.cursor}/${p.total} at ${((performance.now() - started) / 1000).toFixed(1)} s`) }) : null;
      });
      const p = reevaluation.value;
      line(`(b) re-evaluation after ${changed.length} changed KB records`, `${p?.total ?? 0} inventories in ${(reevaluation.ms / 1000).toFixed(1)} s (${(reevaluation.ms / Math.max(1, p?.total ?? 0)).toFixed(1)} ms each; run start ${((reevaluation.ms - (performance.now() - started)) / 1000).toFixed(1)} s); appeared ${p?.appeared}, closed ${p?.closed}, changed ${p?.changed}`);
      await compareResultWrites(results.slice(0, REEVALUATION_BATCH));
    }

    if (!PARTS.has('c')) return;
    // (c) debsecan, same advisories (the fixture's Debian data), same package list (the golden Debian 12 inventory)
    const golden = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'tests', 'fixtures', 'detection', 'debian12-host.inventory.json'), 'utf8')) as Inventory;
    const fixtureKb = await loadFixtureKbInMemory();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-debsecan-'));
    writeFileSync(path.join(dir, 'bookworm'), debsecanFeed(fixtureKb.records));
    writeFileSync(path.join(dir, 'status'), dpkgStatus(golden));
    const debInventory: Inventory = { ...golden, services: [] };
    const vigil = await timed(async () => {
      let last = await detect({ inventory: debInventory, lookup: fixtureKb.lookup });
      for (let i = 1; i < 5; i++) last = await detect({ inventory: debInventory, lookup: fixtureKb.lookup });
      return last;
    });
    const debsecanArgs = ['--suite', 'bookworm', '--source', `file://${dir}/`, '--status', path.join(dir, 'status'), '--format', 'summary', '--config', '/dev/null'];
    let debsecanOut = '';
    const debsecan = await timed(async () => {
      for (let i = 0; i < 5; i++) debsecanOut = execFileSync('debsecan', debsecanArgs, { encoding: 'utf8' });
    });
    const theirs = new Set(debsecanOut.trim().split('\n').filter(Boolean).map((l) => l.split(' ').slice(0, 2).join(' ')));
    const ours = new Set(vigil.value.findings.filter((f) => f.ecosystem === 'deb').map((f) => `${f.vulnId} ${f.package}`));
    const onlyOurs = [...ours].filter((k) => !theirs.has(k));
    const onlyTheirs = [...theirs].filter((k) => !ours.has(k));
    line('(c) vigil detect (in-process, KB in memory), per run', `${(vigil.ms / 5).toFixed(1)} ms, ${ours.size} (CVE, package) pairs`);
    line('(c) debsecan (file:// feed, dpkg status file), per run', `${(debsecan.ms / 5).toFixed(1)} ms, ${theirs.size} (CVE, package) pairs`);
    line('(c) ratio debsecan / vigil', `${(debsecan.ms / vigil.ms).toFixed(1)}x`);
    line('(c) same (CVE, package) pairs', onlyOurs.length === 0 && onlyTheirs.length === 0 ? 'yes' : `no: only vigil ${JSON.stringify(onlyOurs.slice(0, 10))}, only debsecan ${JSON.stringify(onlyTheirs.slice(0, 10))}`);
    rmSync(dir, { recursive: true, force: true });
  } finally {
    await closeRuntime();
    await ferret.stop();
    dropPgDatabase(pgName);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
