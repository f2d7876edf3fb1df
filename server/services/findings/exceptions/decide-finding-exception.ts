import type { RequestMeta } from '../../../auth/request-meta';
import { scopeFilter } from '../../../auth/scope';
import { AppError } from '../../../errors/app-error';
import { EXCEPTION_STATE_OF, FindingExceptionModel, type FindingException } from '../../../models/finding-exception.model';
import { FindingModel } from '../../../models/finding.model';
import { recordAudit } from '../../audit/record-audit';
import { actorOfActing, requirePermission, scopeOfActing, type Acting } from '../../auth/acting-principal';
import { claimTransition, personOf, refreshRollupsOf, releaseFindings } from './exception-records';
import { toExceptionView, type FindingExceptionView } from './exception-view';

/**
 * Approves or rejects a requested exception. Four-eyes: the requester may not decide their own request (they may
 * revoke it). Approved, it covers its findings — they leave open counts, risk rollups and SLAs — until it expires;
 * rejected, the findings are free for another request. Audited either way.
 */
export async function decideFindingException(options: { acting: Acting; exceptionId: string; decision: 'approve' | 'reject'; note: string | null; meta: RequestMeta; now?: Date }): Promise<FindingExceptionView> {
  requirePermission(options.acting, 'findings:approve');
  const decider = personOf(options.acting);
  const now = options.now ?? new Date();
  const exception = await FindingExceptionModel.findOne({ ...scopeFilter(scopeOfActing(options.acting)), _id: options.exceptionId }).lean<FindingException>();
  if (!exception) throw new AppError('NOT_FOUND', `exception ${options.exceptionId} not found`);
  const audit = (outcome: 'success' | 'failure', extra: { reason?: string; details?: Record<string, string | number | null> }) =>
    recordAudit({
      actor: actorOfActing(options.acting),
      action: `finding_exception.${options.decision}`,
      target: { type: 'finding_exception', id: exception._id, label: exception.kind },
      ip: options.meta.ip,
      outcome,
      ...extra,
      businessUnitId: exception.businessUnitId,
    });
  const refuse = async (code: 'FORBIDDEN' | 'CONFLICT', reason: string) => {
    await audit('failure', { reason });
    return new AppError(code, reason);
  };
  if (exception.status !== 'requested') throw await refuse('CONFLICT', `exception ${exception._id} is ${exception.status}, not requested`);
  if (exception.requestedBy.id === decider.id) throw await refuse('FORBIDDEN', 'four-eyes: someone other than the requester must decide an exception');
  if (options.decision === 'approve' && exception.expiresAt && exception.expiresAt.getTime() <= now.getTime()) throw await refuse('CONFLICT', `exception ${exception._id} expired before it was approved`);
  if (!(await claimTransition(exception, 'requested', now))) throw await refuse('CONFLICT', `exception ${exception._id} was decided or ended at the same time`);

  const status = options.decision === 'approve' ? 'approved' : 'rejected';
  const decided = { status, decidedBy: decider, decidedAt: now, decisionNote: options.note } as const;
  await FindingExceptionModel.updateOne({ _id: exception._id }, { $set: decided });
  if (status === 'approved') {
    await FindingModel.updateMany({ exceptionId: exception._id }, { $set: { exceptionState: EXCEPTION_STATE_OF[exception.kind], exceptionExpiresAt: exception.expiresAt } });
    await refreshRollupsOf(exception.findingIds);
  } else {
    await FindingModel.updateMany({ exceptionId: exception._id }, { $set: { exceptionId: null } });
    await releaseFindings(exception._id);
  }
  await audit('success', { details: { kind: exception.kind, findings: exception.findingIds.length, requestedBy: exception.requestedBy.email ?? exception.requestedBy.id, expiresAt: exception.expiresAt?.toISOString() ?? null } });
  return toExceptionView({ ...exception, ...decided });
}
