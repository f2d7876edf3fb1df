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


export interface SlaPolicyView {
  days: SlaPolicy['days'];
  dueSoonDays: number;
  /** null: the defaults, never changed. */
  updatedAt: Date | null;
}

/** The policy in force: the stored one, or the defaults. */
export async function readSlaPolicy(): Promise<SlaPolicyView> {
  const doc = await SlaPolicyModel.findById('sla').lean();
  return doc ? { days: { ...DEFAULT_SLA_POLICY.days, ...doc.days }, dueSoonDays: doc.dueSoonDays, updatedAt: doc.updatedAt ?? null } : { ...DEFAULT_SLA_POLICY, updatedAt: null };
}

export async function getSlaPolicy(options: { acting: Acting }): Promise<SlaPolicyView> {
  requirePermission(options.acting, 'findings:read');
  return readSlaPolicy();
}

/**
 * Brings every open finding's due date in line with the policy. Due dates are stored (lists filter and sort on
 * them), and a policy change is rare, so it rewrites them here, one statement each, only where one moves; then the
 * roll-up of each asset whose findings moved, so the findings list's rows show the new dates, and every unit's kept
 * list pages are let go (their SLA states follow the policy too).
 */
export async function recomputeSlaDueDates(options: { policy: Pick<SlaPolicy, 'days'> }): Promise<number> {
  const open = await FindingModel.find({ status: { $in: [...OPEN_FINDING_STATUSES] } }, { assetId: 1, severity: 1, firstSeenAt: 1, kevDueAt: 1, slaDueAt: 1 }).lean();
  const moved = open
    .map((finding) => ({ id: finding._id, assetId: finding.assetId, before: finding.slaDueAt, after: slaDueAt({ ...finding, policy: options.policy }) }))
    .filter(({ before, after }) => (before?.getTime() ?? null) !== (after?.getTime() ?? null));
  await forEachWrite(moved, ({ id, after }) => FindingModel.updateOne({ _id: id }, { $set: { slaDueAt: after } }));
  for (const assetId of new Set(moved.map((finding) => finding.assetId))) await refreshOpenFindingRollup({ assetId });
  await bumpListVersions();
  return moved.length;
}

/** Changes the deadlines (installation-wide, audited) and re-dates the open findings. */
export async function setSlaPolicy(options: { acting: Acting; days: SlaPolicy['days']; dueSoonDays: number; meta: RequestMeta }): Promise<SlaPolicyView> {
  requirePermission(options.acting, 'settings:manage');
  const before = await readSlaPolicy();
  const change = { $set: { days: options.days, dueSoonDays: options.dueSoonDays } };
  try {
    // The one document is made by the first change.
    await SlaPolicyModel.updateOne({ _id: 'sla' }, change, { upsert: true });
  } catch (error) {
    // Two first changes at once: the loser's insert collides on `_id`; it updates instead.
    if (!isDuplicateKeyError(error)) throw error;
    await SlaPolicyModel.updateOne({ _id: 'sla' }, change);
  }
  const after = await readSlaPolicy();
  const redated = await recomputeSlaDueDates({ policy: after });
  const daysText = (policy: SlaPolicyView) => SLA_SEVERITIES.map((severity) => `${severity}=${policy.days[severity]}`).join(',');
  await recordAudit({
    actor: actorOfActing(options.acting),
    action: 'settings.sla_policy',
    target: { type: 'settings', id: 'sla', label: 'SLA policy' },
    ip: options.meta.ip,
    outcome: 'success',
    details: { days: daysText(after), dueSoonDays: after.dueSoonDays, previousDays: daysText(before), previousDueSoonDays: before.dueSoonDays, redatedFindings: redated },
  });
  return after;
}
