import type { RequestMeta } from '../../auth/request-meta';
import { forEachWrite } from '../../db/write-limits';
import { FindingModel, OPEN_FINDING_STATUSES } from '../../models/finding.model';
import { SlaPolicyModel, type SlaPolicy } from '../../models/sla-policy.model';
import { recordAudit } from '../audit/record-audit';
import { actorOfActing, requirePermission, type Acting } from '../auth/acting-principal';
import { bumpListVersions } from './list-page-cache';
import { refreshOpenFindingRollup } from './risk-rollup';
import { DEFAULT_SLA_POLICY, SLA_SEVERITIES, slaDueAt } from './sla';
import { isDuplicateKeyError } from '../../db/duplicate-key';
import type { Logger } from '../../logging/logger';
import { acquireLease, releaseLease } from '../../scheduler/lease';
import { jobLeaseName } from '../../scheduler/scheduler';

export const SLA_REDATE_JOB = 'sla-redate';
/**
 * The re-dating's lease: a node that dies holding it delays the next run by up to this. A run longer than this may
 * meet a second one, which is harmless: the date writes are idempotent and an asset's roll-ups run one at a time.
 */
export const SLA_REDATE_MAX_RUN_MS = 3_600_000;
const REDATE_BATCH = 1000;

export interface SlaPolicyView {
  days: SlaPolicy['days'];
  dueSoonDays: number;
  /** null: the defaults, never changed. */
  updatedAt: Date | null;
  /** The open findings do not carry this policy's due dates yet: the `sla-redate` job is re-dating them. */
  redating: boolean;
}

const viewOf = (doc: SlaPolicy | null): SlaPolicyView =>
  doc
    ? { days: { ...DEFAULT_SLA_POLICY.days, ...doc.days }, dueSoonDays: doc.dueSoonDays, updatedAt: doc.updatedAt ?? null, redating: (doc.generation ?? 0) > (doc.redatedGeneration ?? 0) }
    : { ...DEFAULT_SLA_POLICY, updatedAt: null, redating: false };

/** The policy in force: the stored one, or the defaults. */
export async function readSlaPolicy(): Promise<SlaPolicyView> {
  return viewOf(await SlaPolicyModel.findById('sla').lean());
}

/**
 * How late the findings list may show a change of the policy made on another console. Its due dates follow a change
 * only as the `sla-redate` job re-dates the open findings (minutes at a million findings), and a kept page already
 * shows its SLA states up to 30 s old (list-page-cache.ts); what the list takes from the policy itself is the
 * due-soon window. Reading it once per 10 s instead of once per page saves one query of the five or six a page
 * read costs.
 */
export const LIST_SLA_POLICY_MAX_AGE_MS = 10_000;
let recentPolicy: { view: SlaPolicyView; readAt: number } | null = null;

/** The policy in force as this process read it at most LIST_SLA_POLICY_MAX_AGE_MS before `now` (a change made here shows at once). */
export async function readRecentSlaPolicy(now: number): Promise<SlaPolicyView> {
  if (recentPolicy && now >= recentPolicy.readAt && now - recentPolicy.readAt < LIST_SLA_POLICY_MAX_AGE_MS) return recentPolicy.view;
  const view = await readSlaPolicy();
  recentPolicy = { view, readAt: now };
  return view;
}

export async function getSlaPolicy(options: { acting: Acting }): Promise<SlaPolicyView> {
  requirePermission(options.acting, 'findings:read');
  return readSlaPolicy();
}

/**
 * Brings every open finding's due date in line with the policy. Due dates are stored (lists filter and sort on
 * them), so it rewrites them, one statement each, only where one moves, reading the open findings by batches; then
 * the roll-up of each asset whose findings moved, so the findings list's rows show the new dates, and every unit's
 * kept list pages are let go (their SLA states follow the policy too).
 */
export async function recomputeSlaDueDates(options: { policy: Pick<SlaPolicy, 'days'> }): Promise<number> {
  const movedAssets = new Set<string>();
  let moved: { id: string; after: Date | null }[] = [];
  let count = 0;
  const write = async () => {
    await forEachWrite(moved, ({ id, after }) => FindingModel.updateOne({ _id: id }, { $set: { slaDueAt: after } }));
    count += moved.length;
    moved = [];
  };
  const open = FindingModel.find({ status: { $in: [...OPEN_FINDING_STATUSES] } }, { assetId: 1, severity: 1, firstSeenAt: 1, kevDueAt: 1, slaDueAt: 1 }).lean().cursor({ batchSize: REDATE_BATCH });
  for await (const finding of open) {
    const after = slaDueAt({ ...finding, policy: options.policy });
    if ((finding.slaDueAt?.getTime() ?? null) === (after?.getTime() ?? null)) continue;
    moved.push({ id: finding._id, after });
    movedAssets.add(finding.assetId);
    if (moved.length >= REDATE_BATCH) await write();
  }
  await write();
  for (const assetId of movedAssets) await refreshOpenFindingRollup({ assetId });
  await bumpListVersions();
  return count;
}

/**
 * The `sla-redate` job: re-dates the open findings when the policy changed since they were last re-dated (a change
 * during a run is picked up by the next). Runs under the job's lease, on one node.
 */
export async function redateForSlaPolicy(): Promise<{ generation: number; redated: number } | null> {
  const doc = await SlaPolicyModel.findById('sla').lean();
  const policy = viewOf(doc);
  if (!doc || !policy.redating) return null;
  const redated = await recomputeSlaDueDates({ policy });
  await SlaPolicyModel.updateOne({ _id: 'sla', $or: [{ redatedGeneration: { $exists: false } }, { redatedGeneration: { $lt: doc.generation } }] }, { $set: { redatedGeneration: doc.generation } });
  await recordAudit({
    actor: { type: 'system', id: SLA_REDATE_JOB },
    action: 'settings.sla_redate',
    target: { type: 'settings', id: 'sla', label: 'SLA policy' },
    ip: null,
    outcome: 'success',
    details: { generation: doc.generation, redatedFindings: redated },
  });
  return { generation: doc.generation, redated };
}

/** Starts the re-dating now unless a run holds the job's lease (that run, or the next scheduled one, does it). */
async function startRedating(log: Logger): Promise<void> {
  const lease = jobLeaseName(SLA_REDATE_JOB);
  const holder = `sla-policy:${process.pid}:${Date.now()}`;
  if (!(await acquireLease({ name: lease, holder, ttlMs: SLA_REDATE_MAX_RUN_MS }))) return;
  void redateForSlaPolicy()
    .catch((error: unknown) => log.error({ job: SLA_REDATE_JOB, err: (error as Error).message }, 'SLA re-dating failed'))
    .finally(() => releaseLease({ name: lease, holder }).catch(() => undefined));
}

/**
 * Changes the deadlines (installation-wide, audited) and starts re-dating the open findings in the background: at a
 * million findings that takes minutes, longer than a request may.
 */
export async function setSlaPolicy(options: { acting: Acting; days: SlaPolicy['days']; dueSoonDays: number; meta: RequestMeta; log: Logger }): Promise<SlaPolicyView> {
  requirePermission(options.acting, 'settings:manage');
  const before = await readSlaPolicy();
  const change = { $set: { days: options.days, dueSoonDays: options.dueSoonDays }, $inc: { generation: 1 } };
  try {
    // The one document is made by the first change.
    await SlaPolicyModel.updateOne({ _id: 'sla' }, change, { upsert: true });
  } catch (error) {
    // Two first changes at once: the loser's insert collides on `_id`; it updates instead.
    if (!isDuplicateKeyError(error)) throw error;
    await SlaPolicyModel.updateOne({ _id: 'sla' }, change);
  }
  recentPolicy = null;
  const after = await readSlaPolicy();
  const daysText = (policy: SlaPolicyView) => SLA_SEVERITIES.map((severity) => `${severity}=${policy.days[severity]}`).join(',');
  await recordAudit({
    actor: actorOfActing(options.acting),
    action: 'settings.sla_policy',
    target: { type: 'settings', id: 'sla', label: 'SLA policy' },
    ip: options.meta.ip,
    outcome: 'success',
    details: { days: daysText(after), dueSoonDays: after.dueSoonDays, previousDays: daysText(before), previousDueSoonDays: before.dueSoonDays },
  });
  await startRedating(options.log);
  return after;
}
