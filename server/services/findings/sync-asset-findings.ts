import { forEachWrite } from '../../db/write-limits';
import type { Finding } from '../../detection/detection-types';
import { AssetModel, DEFAULT_ASSET_CRITICALITY } from '../../models/asset.model';
import { FindingModel, OPEN_FINDING_STATUSES, SEVERITY_RANK, type FindingRecord, type FixedReason } from '../../models/finding.model';
import { KbVulnerabilityModel, type KbSeverity } from '../../models/kb-vulnerability.model';
import type { SlaPolicy } from '../../models/sla-policy.model';
import { findingKey } from '../detection/detection-results';
import { followUpFindingChanges } from '../tickets/follow-up-finding-changes';
import { recordFindingTransitions } from '../trends/record-finding-transitions';
import { statusAfter } from './finding-lifecycle';
import { riskBucket, riskScore } from './risk-score';
import { kevDueAtOf, slaDueAt } from './sla';
import { readSlaPolicy } from './sla-policy';
import { tieHashOf } from './tie-order';
import { onlyDuplicateKeyErrors } from '../../db/duplicate-key';

/**
 * What a result observed, and so which open findings it may close: `all` (an SSH inventory: packages and
 * services) or `services` (a network scan only: service findings, ecosystem `cpe`; package findings are left as
 * they were, since nothing looked at the packages). This is the "same scope" rule: a result never fixes what it
 * did not look at.
 */
export type FindingObservation = 'all' | 'services';

/**
 * A network scan looked at its ports only: a service finding on another port is out of its scope (null: the ports
 * are not known, so every service finding is taken as observed).
 */
const observes = (observation: FindingObservation, scannedPorts: ReadonlySet<number> | null, finding: { ecosystem: string; port?: number | null }) =>
  observation === 'all' || (finding.ecosystem === 'cpe' && (scannedPorts === null || finding.port == null || scannedPorts.has(finding.port)));

const findingId = (assetId: string, finding: Pick<Finding, 'vulnId' | 'ecosystem' | 'package'>) => `${assetId}|${findingKey(finding)}`;

/** The fields of a finding that detection decides, and those derived from them (refreshed when any changes). */
const EVIDENCE_FIELDS = ['vglId', 'cves', 'sourcePackage', 'installedVersion', 'fixedVersion', 'unfixed', 'severity', 'severityRank', 'cvss', 'epss', 'kev', 'kevDueAt', 'rule', 'ruleSource', 'confidence', 'port', 'riskScore', 'riskBucket', 'slaDueAt'] as const;
type Evidence = Pick<FindingRecord, (typeof EVIDENCE_FIELDS)[number]>;

interface Derivation {
  criticality: number;
  policy: Pick<SlaPolicy, 'days'>;
  kevDueDates: Map<string, Date | null>;
}

function evidenceOf(finding: Finding, firstSeenAt: Date, derivation: Derivation): Evidence {
  const severity = (finding.severity in SEVERITY_RANK ? finding.severity : 'unknown') as KbSeverity;
  const kevDueAt = finding.kev ? (derivation.kevDueDates.get(finding.vulnId) ?? null) : null;
  const score = riskScore({ cvss: finding.cvss, severity, epss: finding.epss, kev: finding.kev, criticality: derivation.criticality });
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
    kevDueAt,
    rule: finding.rule,
    ruleSource: finding.source,
    confidence: finding.confidence,
    port: finding.port ?? null,
    riskScore: score,
    riskBucket: riskBucket(score),
    slaDueAt: slaDueAt({ severity, firstSeenAt, kevDueAt, policy: derivation.policy }),
  };
}

const comparable = (value: unknown) => (value instanceof Date ? value.getTime() : Array.isArray(value) ? value.join() : (value ?? null));
const sameEvidence = (stored: Partial<Evidence>, next: Evidence) => EVIDENCE_FIELDS.every((field) => comparable(stored[field]) === comparable(next[field]));

/** KEV due dates of the listed vulnerabilities, from their KB records. */
async function kevDueDatesOf(vulnIds: string[]): Promise<Map<string, Date | null>> {
  if (vulnIds.length === 0) return new Map();
  const records = await KbVulnerabilityModel.find({ _id: { $in: vulnIds } }, { kev: 1 }).lean();
  return new Map(records.map((record) => [record._id, kevDueAtOf(record.kev?.dueDate)]));
}

/**
 * Brings an asset's findings in line with its latest detection result (README "Vulnerability workflow"):
 * - not known yet: `new`, first and last seen now, seen once;
 * - open and seen by a later scan run: `new` becomes `active` (`reopened` stays so until fixed), seen once more;
 * - fixed and reported again: `reopened` (first seen kept);
 * - open, within what the result observed, and no longer reported: `fixed`, with the reason — `not-seen-by-scan`
 *   for a scan, `kb-correction` for a KB re-evaluation (`runId` null: the stored inventory detected again after
 *   the KB changed; that is no sighting of the host, so it moves no last seen and counts no time seen).
 * Evidence, risk and due date are refreshed when they changed. Idempotent: a result recorded again (same run)
 * changes nothing, so a crashed recording is simply redone.
 */
export async function syncAssetFindings(options: {
  businessUnitId: string;
  assetId: string;
  /** The scan run whose result this is; null for a KB re-evaluation. */
  runId: string | null;
  findings: Finding[];
  observation: FindingObservation;
  /** With `services`: the ports the scan probed. */
  scannedPorts?: readonly number[];
  at: Date;
}): Promise<{ appeared: number; fixed: number }> {
  const { assetId, at, observation, runId } = options;
  const scannedPorts = observation === 'services' && options.scannedPorts ? new Set(options.scannedPorts) : null;
  const current = new Map(options.findings.filter((f) => observes(observation, scannedPorts, f)).map((f) => [findingId(assetId, f), f]));
  const [asset, policy, kevDueDates, storedDocs] = await Promise.all([
    AssetModel.findById(assetId, { criticality: 1 }).lean(),
    readSlaPolicy(),
    kevDueDatesOf([...new Set([...current.values()].filter((f) => f.kev).map((f) => f.vulnId))]),
    FindingModel.find({ assetId }, { _id: 1, status: 1, ecosystem: 1, firstSeenAt: 1, ...Object.fromEntries(EVIDENCE_FIELDS.map((field) => [field, 1])) }).lean(),
  ]);
  const derivation: Derivation = { criticality: asset?.criticality ?? DEFAULT_ASSET_CRITICALITY, policy, kevDueDates };
  const stored = new Map(storedDocs.map((doc) => [doc._id, doc]));
  const sighting = runId !== null;

  const created: FindingRecord[] = [];
  const updates: { id: string; set: Partial<FindingRecord>; seen: boolean }[] = [];
  let reopened = 0;
  for (const [id, finding] of current) {
    const previous = stored.get(id);
    if (!previous) {
      created.push({
        _id: id,
        tieHash: tieHashOf(id),
        businessUnitId: options.businessUnitId,
        assetId,
        vulnId: finding.vulnId,
        ecosystem: finding.ecosystem,
        package: finding.package,
        ...evidenceOf(finding, at, derivation),
        status: statusAfter(null, 'seen')!,
        timesSeen: 1,
        firstSeenAt: at,
        lastSeenAt: at,
        fixedAt: null,
        fixedReason: null,
        reopenedAt: null,
        lastRunId: runId,
        exceptionId: null,
        exceptionState: null,
        exceptionExpiresAt: null,
        assetName: null,
      });
      continue;
    }
    const evidence = evidenceOf(finding, previous.firstSeenAt, derivation);
    if (previous.status === 'fixed') {
      reopened += 1;
      const seenNow = sighting ? { lastSeenAt: at, lastRunId: runId } : {};
      updates.push({ id, seen: sighting, set: { ...evidence, status: statusAfter('fixed', 'seen')!, fixedAt: null, fixedReason: null, reopenedAt: at, ...seenNow } });
    } else if (!sameEvidence(previous, evidence)) {
      updates.push({ id, seen: false, set: evidence });
    }
  }
  const fixedIds = [...stored.values()].filter((doc) => doc.status !== 'fixed' && observes(observation, scannedPorts, doc) && !current.has(doc._id)).map((doc) => doc._id);
  const fixedReason: FixedReason = sighting ? 'not-seen-by-scan' : 'kb-correction';

  if (created.length > 0) {
    // A concurrent result of the same host may have opened some of them first: theirs stand.
    await FindingModel.insertMany(created, { ordered: false }).catch((error: unknown) => {
      if (!onlyDuplicateKeyErrors(error)) throw error;
    });
  }
  await forEachWrite(updates, ({ id, set, seen }) => FindingModel.updateOne({ _id: id }, { $set: set, ...(seen ? { $inc: { timesSeen: 1 } } : {}) }));
  if (fixedIds.length > 0) await FindingModel.updateMany({ assetId, _id: { $in: fixedIds } }, { $set: { status: statusAfter('active', 'not-seen')!, fixedAt: at, fixedReason, ...(sighting ? { lastRunId: runId } : {}) } });
  if (sighting) {
    // The reported findings this run has not counted yet (lastRunId differs: not just opened or reopened by it, not
    // a result recorded twice) are seen again now.
    const observed = { assetId, _id: { $in: [...current.keys()] }, lastRunId: { $ne: runId } };
    await FindingModel.updateMany({ ...observed, status: 'new' }, { $set: { status: statusAfter('new', 'seen')! } });
    await FindingModel.updateMany({ ...observed, status: { $in: [...OPEN_FINDING_STATUSES] } }, { $set: { lastSeenAt: at, lastRunId: runId }, $inc: { timesSeen: 1 } });
  }
  const changes = { businessUnitId: options.businessUnitId, assetId, at, opened: created.map((f) => f._id), reopened: updates.filter((u) => u.set.reopenedAt).map((u) => u.id), fixed: fixedIds };
  await recordFindingTransitions(changes);
  await followUpFindingChanges({ ...changes, assetId, runId });
  return { appeared: created.length + reopened, fixed: fixedIds.length };
}
