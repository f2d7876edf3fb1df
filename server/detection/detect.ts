import type { Inventory } from '../inventory/inventory.schema';
import { KbVulnerabilityModel } from '../models/kb-vulnerability.model';
import { detectionKbCache } from './detection-kb-cache';
import { DETECTION_RECORD_PROJECTION, type DetectionContext, type DetectionDriver, type DetectionProblem, type DetectionRecord, type DetectionSubject, type Finding } from './detection-types';
import { driversFor } from './drivers/driver-registry';

/**
 * The detection engine (SPEC §2.4, README "Detection"): the drivers turn the inventory into subjects, each with the
 * KB package keys (`ecosystem:package`, as kb-merge.ts builds `affectedPackages`) to look it up by; the KB records
 * of all keys come from the detection KB cache (detection-kb-cache.ts) or from batched `$in` queries on the indexed
 * `affectedPackages`; each record is evaluated by the driver of every subject it names. Deterministic: findings are sorted, problems keep inventory order.
 */

export interface DetectionResult {
  findings: Finding[];
  problems: DetectionProblem[];
  /** Counts for the report: subjects matched, KB records read. */
  stats: { subjects: number; keys: number; records: number };
}

/** Fetches the KB records naming any of the keys. */
export type KbLookup = (keys: string[]) => Promise<DetectionRecord[]>;

/**
 * FerretDB 1.24 does not push `$in` on an array field down to PostgreSQL: every query reads the whole collection.
 * So one host is one query (up to 20,000 keys, ~600 kB of BSON, fine for MongoDB too) rather than one per 1,000 keys.
 */
const KEYS_PER_QUERY = 20_000;

export const queryKbLookup: KbLookup = async (keys) => {
  const byId = new Map<string, DetectionRecord>();
  for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
    const batch = keys.slice(i, i + KEYS_PER_QUERY);
    const records = await KbVulnerabilityModel.find({ affectedPackages: { $in: batch } }, DETECTION_RECORD_PROJECTION).lean<DetectionRecord[]>();
    for (const record of records) byId.set(record._id, record);
  }
  // Sorted like the cache's answer: the first problem reported for an item names the record it came from.
  return [...byId.keys()].sort().map((id) => byId.get(id)!);
};

/** The default lookup: the detection KB cache where `VIGIL_DETECTION_KB_CACHE` enables it, else the query. */
export const kbLookup: KbLookup = async (keys) => {
  const cache = await detectionKbCache();
  return cache ? cache.lookup(keys) : queryKbLookup(keys);
};

export interface DetectionPlan {
  ctx: DetectionContext;
  subjects: { driver: DetectionDriver; subject: DetectionSubject }[];
  keys: string[];
}

export function planDetection(inventory: Inventory, problems: DetectionProblem[] = []): DetectionPlan {
  const ctx: DetectionContext = { inventory, problems };
  const subjects = driversFor(inventory, problems).flatMap((driver) => driver.subjects(ctx).map((subject) => ({ driver, subject })));
  const keys = [...new Set(subjects.flatMap((s) => s.subject.keys))].sort();
  return { ctx, subjects, keys };
}

const cvesOf = (record: DetectionRecord) => [...new Set([record._id, ...(record.aliases ?? [])].filter((id) => /^CVE-\d{4}-\d+$/.test(id)))].sort();

export function evaluatePlan(plan: DetectionPlan, records: Iterable<DetectionRecord>): DetectionResult {
  const byKey = new Map<string, DetectionPlan['subjects']>();
  for (const entry of plan.subjects) {
    for (const key of entry.subject.keys) {
      const list = byKey.get(key);
      if (list) list.push(entry);
      else byKey.set(key, [entry]);
    }
  }
  const findings = new Map<string, Finding>();
  const problemSeen = new Set<string>();
  const versionProblems: (DetectionProblem & { order: number })[] = [];
  const order = new Map(plan.subjects.map((s, i) => [s.subject, i]));
  let recordCount = 0;
  for (const record of records) {
    recordCount += 1;
    if (record.rejected) continue;
    const evaluated = new Set<DetectionSubject>();
    for (const key of record.affectedPackages ?? []) {
      for (const { driver, subject } of byKey.get(key) ?? []) {
        if (evaluated.has(subject)) continue;
        evaluated.add(subject);
        const verdict = driver.evaluate(subject, record, plan.ctx);
        if (verdict.kind === 'problem') {
          const at = `${subject.at} ${subject.package} ${subject.version}`;
          const id = `${at}\n${verdict.message}`;
          if (!problemSeen.has(id)) {
            problemSeen.add(id);
            versionProblems.push({ at, message: `${verdict.message} (while matching ${record._id}; not reported as a finding)`, order: order.get(subject) ?? 0 });
          }
          continue;
        }
        if (verdict.kind !== 'finding') continue;
        const id = `${record._id}\n${subject.ecosystem}\n${subject.package}`;
        if (findings.has(id)) continue;
        findings.set(id, {
          vulnId: record._id,
          vglId: record.vglId,
          cves: cvesOf(record),
          package: subject.package,
          sourcePackage: subject.sourcePackage,
          ecosystem: subject.ecosystem,
          installedVersion: subject.version,
          fixedVersion: verdict.fixedVersion,
          unfixed: verdict.unfixed,
          source: verdict.entry.source,
          rule: verdict.rule,
          confidence: verdict.confidence,
          severity: record.severity,
          cvss: record.cvssScore ?? null,
          epss: record.epss?.score ?? null,
          kev: Boolean(record.kevListed),
          ...(subject.port !== undefined ? { port: subject.port } : {}),
        });
      }
    }
  }
  versionProblems.sort((a, b) => a.order - b.order || a.message.localeCompare(b.message));
  return {
    findings: sortFindings([...findings.values()]),
    problems: [...plan.ctx.problems, ...versionProblems.map(({ at, message }) => ({ at, message }))],
    stats: { subjects: plan.subjects.length, keys: plan.keys.length, records: recordCount },
  };
}

export function sortFindings(findings: Finding[]): Finding[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return findings.sort((a, b) => cmp(a.package, b.package) || cmp(a.ecosystem, b.ecosystem) || cmp(a.vulnId, b.vulnId) || (a.port ?? 0) - (b.port ?? 0));
}

/** Detection of one inventory against the KB. `problems` are prepended (e.g. the inventory file's own per-item problems). */
export async function detect(input: { inventory: Inventory; problems?: DetectionProblem[]; lookup?: KbLookup }): Promise<DetectionResult> {
  const plan = planDetection(input.inventory, [...(input.problems ?? [])]);
  const records = await (input.lookup ?? kbLookup)(plan.keys);
  return evaluatePlan(plan, records);
}
