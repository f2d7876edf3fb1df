import { forEachWrite } from '../../db/write-limits';
import { findingTrendCollection, zeroTrendCounters } from '../../models/finding-trend.model';
import { findingKevAssetCollection } from '../../models/finding-kev-asset.model';
import { findingVulnCountCollection } from '../../models/finding-vuln-count.model';
import { FindingModel, isOpenFinding, type FindingRecord } from '../../models/finding.model';
import type { KbSeverity } from '../../models/kb-vulnerability.model';
import { moveInRankHistogram } from './rank-histograms';
import { trendIdOf, utcDayOf } from './trend-day';

const HOUR_MS = 3_600_000;

type TransitionFinding = Pick<FindingRecord, '_id' | 'businessUnitId' | 'assetId' | 'vulnId' | 'severity' | 'kev' | 'status' | 'firstSeenAt' | 'fixedAt' | 'fixedReason' | 'exceptionState'>;
const TRANSITION_FIELDS = { businessUnitId: 1, assetId: 1, vulnId: 1, severity: 1, kev: 1, status: 1, firstSeenAt: 1, fixedAt: 1, fixedReason: 1, exceptionState: 1 } as const;

/** What one unit's day, its vulnerabilities' and its assets' KEV open counts move by. */
class TrendDelta {
  readonly inc = new Map<string, number>();
  readonly vulns = new Map<string, { open: number; severity: KbSeverity; kev: boolean }>();
  readonly kevAssets = new Map<string, number>();

  add(field: string, by: number): void {
    this.inc.set(field, (this.inc.get(field) ?? 0) + by);
  }

  /** One finding more (+1) or fewer (−1) among the open ones without an approved exception. */
  open(finding: TransitionFinding, by: 1 | -1): void {
    this.add(`open.${finding.severity}`, by);
    this.add('open.total', by);
    if (finding.kev) {
      this.add('kevOpen', by);
      this.kevAssets.set(finding.assetId, (this.kevAssets.get(finding.assetId) ?? 0) + by);
    }
    const vuln = this.vulns.get(finding.vulnId) ?? { open: 0, severity: finding.severity, kev: finding.kev };
    vuln.open += by;
    this.vulns.set(finding.vulnId, vuln);
  }
}

async function applyDelta(options: { businessUnitId: string; at: Date; delta: TrendDelta }): Promise<void> {
  const { businessUnitId, delta } = options;
  const inc = Object.fromEntries([...delta.inc].filter(([, by]) => by !== 0));
  if (Object.keys(inc).length > 0) {
    const day = utcDayOf(options.at);
    await findingTrendCollection().updateOne({ _id: trendIdOf(businessUnitId, day) }, { $inc: inc, $setOnInsert: { businessUnitId, day, carried: false, ...zeroTrendCounters(inc) } }, { upsert: true });
  }
  const vulns = [...delta.vulns].filter(([, vuln]) => vuln.open !== 0);
  // Read back after the $inc (no projection: the compatible subset), to move each in the dashboard's histograms.
  await forEachWrite(vulns, async ([vulnId, vuln]) => {
    const after = await findingVulnCountCollection().findOneAndUpdate(
      { _id: `${businessUnitId}|${vulnId}` },
      { $inc: { open: vuln.open }, $set: { severity: vuln.severity, kev: vuln.kev }, $setOnInsert: { businessUnitId, vulnId } },
      { upsert: true, returnDocument: 'after' },
    );
    if (after) await moveInRankHistogram({ kind: 'vuln-open', businessUnitId, from: after.open - vuln.open, to: after.open });
  });
  const kevAssets = [...delta.kevAssets].filter(([, by]) => by !== 0);
  await forEachWrite(kevAssets, async ([assetId, by]) => {
    const after = await findingKevAssetCollection().findOneAndUpdate({ _id: assetId }, { $inc: { open: by }, $setOnInsert: { businessUnitId } }, { upsert: true, returnDocument: 'after' });
    if (after) await moveInRankHistogram({ kind: 'kev-asset-open', businessUnitId, from: after.open - by, to: after.open });
  });
}

/** By id; with the asset's id when all are one asset's, an equality FerretDB hands to PostgreSQL (an `$in` it does not). */
const readFindings = (ids: string[], assetId?: string) => (ids.length === 0 ? Promise.resolve([]) : FindingModel.find({ ...(assetId ? { assetId } : {}), _id: { $in: ids } }, TRANSITION_FIELDS).lean<TransitionFinding[]>());

/**
 * The trend hook of a result (sync-asset-findings.ts): the findings it opened, reopened and fixed, read back as they
 * now are, counted into the unit's day and its vulnerabilities' open counts. A covered finding (approved exception)
 * counts as an event but moves no open count, as on the asset.
 */
export async function recordFindingTransitions(options: { businessUnitId: string; assetId: string; at: Date; opened: string[]; reopened: string[]; fixed: string[] }): Promise<void> {
  const [opened, reopened, fixed] = await Promise.all([readFindings(options.opened, options.assetId), readFindings(options.reopened, options.assetId), readFindings(options.fixed, options.assetId)]);
  const delta = new TrendDelta();
  for (const finding of opened) {
    delta.add('new', 1);
    if (!finding.exceptionState) delta.open(finding, 1);
  }
  for (const finding of reopened) {
    delta.add('reopened', 1);
    if (!finding.exceptionState) delta.open(finding, 1);
  }
  for (const finding of fixed) {
    delta.add('fixed', 1);
    // A KB correction withdrew the finding: nobody remediated anything.
    if (finding.fixedReason === 'not-seen-by-scan') {
      delta.add('remediated', 1);
      delta.add('remediationHours', ((finding.fixedAt ?? options.at).getTime() - finding.firstSeenAt.getTime()) / HOUR_MS);
    }
    if (!finding.exceptionState) delta.open(finding, -1);
  }
  await applyDelta({ businessUnitId: options.businessUnitId, at: options.at, delta });
}

/**
 * The trend hook of an exception approved (its open findings leave the open counts) or ended (they count again,
 * reopened). Called after the findings' exception state changed.
 */
export async function recordExceptionCoverageChange(options: { findingIds: string[]; at: Date }): Promise<void> {
  const findings = (await readFindings(options.findingIds)).filter((finding) => isOpenFinding(finding.status));
  const byUnit = new Map<string, TrendDelta>();
  for (const finding of findings) {
    const delta = byUnit.get(finding.businessUnitId) ?? new TrendDelta();
    if (finding.exceptionState) {
      delta.open(finding, -1);
    } else {
      delta.add('reopened', 1);
      delta.open(finding, 1);
    }
    byUnit.set(finding.businessUnitId, delta);
  }
  for (const [businessUnitId, delta] of byUnit) await applyDelta({ businessUnitId, at: options.at, delta });
}
