import { forEachWrite } from '../../db/write-limits';
import type { Finding } from '../../detection/detection-types';
import { AssetModel, EMPTY_FINDING_COUNTS, type AssetFindingCounts } from '../../models/asset.model';
import { FindingModel, SEVERITY_RANK, type FindingRecord } from '../../models/finding.model';
import type { KbSeverity } from '../../models/kb-vulnerability.model';
import { findingKey } from '../detection/detection-results';

/**
 * What a result observed, and so which open findings it may close: `all` (an SSH inventory: packages and
 * services) or `services` (a network scan only: service findings, ecosystem `cpe`; package findings are left as
 * they were, since nothing looked at the packages).
 */
export type FindingObservation = 'all' | 'services';

const observes = (observation: FindingObservation, ecosystem: string) => observation === 'all' || ecosystem === 'cpe';

const findingId = (assetId: string, finding: Pick<Finding, 'vulnId' | 'ecosystem' | 'package'>) => `${assetId}|${findingKey(finding)}`;

/** The fields of a finding that detection decides (refreshed each time it reports the finding). */
const EVIDENCE_FIELDS = ['vglId', 'cves', 'sourcePackage', 'installedVersion', 'fixedVersion', 'unfixed', 'severity', 'severityRank', 'cvss', 'epss', 'kev', 'rule', 'ruleSource', 'confidence', 'port'] as const;
type Evidence = Pick<FindingRecord, (typeof EVIDENCE_FIELDS)[number]>;

function evidenceOf(finding: Finding): Evidence {
  const severity = (finding.severity in SEVERITY_RANK ? finding.severity : 'unknown') as KbSeverity;
  return {
    vglId: finding.vglId,
    cves: finding.cves,
    sourcePackage: finding.sourcePackage,
    installedVersion: finding.installedVersion,
    fixedVersion: finding.fixedVersion,
    unfixed: finding.unfixed,
    severity,
    severityRank: SEVERITY_RANK[severity],
    cvss: finding.cvss,
    epss: finding.epss,
    kev: finding.kev,
    rule: finding.rule,
    ruleSource: finding.source,
    confidence: finding.confidence,
    port: finding.port ?? null,
  };
}

const sameEvidence = (stored: Evidence, next: Evidence) =>
  EVIDENCE_FIELDS.every((field) => (field === 'cves' ? stored.cves.join() === next.cves.join() : stored[field] === next[field]));

const DUPLICATE_KEY = 11000;
const onlyDuplicates = (error: unknown) => {
  const writeErrors = (error as { writeErrors?: { code?: number; err?: { code?: number } }[] }).writeErrors;
  return (error as { code?: number }).code === DUPLICATE_KEY || (writeErrors !== undefined && writeErrors.every((e) => (e.code ?? e.err?.code) === DUPLICATE_KEY));
};

/**
 * Brings an asset's findings in line with its latest detection result: new ones open (first and last seen now),
 * open ones are seen again (evidence refreshed when it changed), fixed ones that came back open again (first seen
 * kept, reopenedAt set), and open ones the result no longer reports — among what it observed — are fixed.
 * Idempotent: a second run with the same result changes nothing but lastSeenAt, so a crashed run is simply redone.
 */
export async function syncAssetFindings(options: {
  businessUnitId: string;
  assetId: string;
  runId: string | null;
  findings: Finding[];
  observation: FindingObservation;
  at: Date;
}): Promise<{ appeared: number; fixed: number }> {
  const { assetId, at, observation } = options;
  const current = new Map(options.findings.filter((f) => observes(observation, f.ecosystem)).map((f) => [findingId(assetId, f), f]));
  const stored = new Map(
    (await FindingModel.find({ assetId }, { _id: 1, status: 1, ecosystem: 1, ...Object.fromEntries(EVIDENCE_FIELDS.map((field) => [field, 1])) }).lean()).map((doc) => [doc._id, doc]),
  );

  const created: FindingRecord[] = [];
  const updates: { id: string; set: Partial<FindingRecord> }[] = [];
  let reopened = 0;
  for (const [id, finding] of current) {
    const evidence = evidenceOf(finding);
    const previous = stored.get(id);
    if (!previous) {
      created.push({
        _id: id,
        businessUnitId: options.businessUnitId,
        assetId,
        vulnId: finding.vulnId,
        ecosystem: finding.ecosystem,
        package: finding.package,
        ...evidence,
        status: 'open',
        firstSeenAt: at,
        lastSeenAt: at,
        fixedAt: null,
        reopenedAt: null,
        lastRunId: options.runId,
      });
    } else if (previous.status === 'fixed') {
      reopened += 1;
      updates.push({ id, set: { ...evidence, status: 'open', fixedAt: null, reopenedAt: at, lastSeenAt: at, lastRunId: options.runId } });
    } else if (!sameEvidence(previous, evidence)) {
      updates.push({ id, set: { ...evidence, lastSeenAt: at, lastRunId: options.runId } });
    }
  }
  const fixedIds = [...stored.values()].filter((doc) => doc.status === 'open' && observes(observation, doc.ecosystem) && !current.has(doc._id)).map((doc) => doc._id);

  if (created.length > 0) {
    // A concurrent result of the same host may have opened some of them first: theirs stand.
    await FindingModel.insertMany(created, { ordered: false }).catch((error: unknown) => {
      if (!onlyDuplicates(error)) throw error;
    });
  }
  await forEachWrite(updates, ({ id, set }) => FindingModel.updateOne({ _id: id }, { $set: set }));
  if (fixedIds.length > 0) await FindingModel.updateMany({ assetId, _id: { $in: fixedIds } }, { $set: { status: 'fixed', fixedAt: at, lastRunId: options.runId } });
  // Every open finding left in the observed part is one the result reported: seen now, in one statement.
  await FindingModel.updateMany({ assetId, status: 'open', ...(observation === 'services' ? { ecosystem: 'cpe' } : {}) }, { $set: { lastSeenAt: at, lastRunId: options.runId } });
  return { appeared: created.length + reopened, fixed: fixedIds.length };
}

/** Recounts an asset's open findings per severity and stores them on the asset (lists sort and show them). */
export async function refreshOpenFindingCounts(options: { assetId: string }): Promise<AssetFindingCounts> {
  const groups = await FindingModel.aggregate<{ _id: KbSeverity; count: number }>([
    { $match: { assetId: options.assetId, status: 'open' } },
    { $group: { _id: '$severity', count: { $sum: 1 } } },
  ]);
  const counts: AssetFindingCounts = { ...EMPTY_FINDING_COUNTS };
  for (const { _id, count } of groups) {
    counts[_id] += count;
    counts.total += count;
  }
  await AssetModel.updateOne({ _id: options.assetId }, { $set: { openFindings: counts } });
  return counts;
}
