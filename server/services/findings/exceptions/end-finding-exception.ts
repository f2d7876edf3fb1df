import type { RequestMeta } from '../../../auth/request-meta';
import { scopeFilter } from '../../../auth/scope';
import { AppError } from '../../../errors/app-error';
import { FindingExceptionModel, type ExceptionPerson, type FindingException } from '../../../models/finding-exception.model';
import { FindingModel, OPEN_FINDING_STATUSES } from '../../../models/finding.model';
import { recordAudit, type AuditActor } from '../../audit/record-audit';
import { actorOfActing, scopeOfActing, type Acting } from '../../auth/acting-principal';
import { hasPermission } from '../../../auth/principal';
import { findingEvents } from '../../tickets/follow-up-finding-changes';
import { enqueueWebhookEvents } from '../../webhooks/enqueue-webhook-events';
import { statusAfter } from '../finding-lifecycle';
import { claimTransition, personOf, refreshRollupsOf, releaseFindings } from './exception-records';
import { toExceptionView, type FindingExceptionView } from './exception-view';

/**
 * Ends a live exception (requested or approved). Findings it covered that are still open go back to work as
 * `reopened`, their SLA running again from first seen; all of them are free for another request. False when
 * another node or user ended it first.
 */
async function endException(options: { exception: FindingException; status: 'expired' | 'revoked'; by: ExceptionPerson | null; actor: AuditActor; ip: string | null; now: Date }): Promise<boolean> {
  const { exception, now } = options;
  if (!(await claimTransition(exception, exception.status, now))) return false;
  await FindingExceptionModel.updateOne({ _id: exception._id }, { $set: { status: options.status, endedBy: options.by, endedAt: now } });
  let reopened: { _id: string; assetId: string }[] = [];
  if (exception.status === 'approved') {
    const open = { exceptionId: exception._id, status: { $in: [...OPEN_FINDING_STATUSES] } };
    reopened = await FindingModel.find(open, { _id: 1, assetId: 1 }).lean<{ _id: string; assetId: string }[]>();
    await FindingModel.updateMany(open, { $set: { status: statusAfter('active', 'exception-ended')!, reopenedAt: now } });
  }
  await FindingModel.updateMany({ exceptionId: exception._id }, { $set: { exceptionId: null, exceptionState: null, exceptionExpiresAt: null } });
  await releaseFindings(exception._id);
  if (exception.status === 'approved') await refreshRollupsOf(exception.findingIds);
  await recordAudit({
    actor: options.actor,
    action: options.status === 'expired' ? 'finding_exception.expire' : 'finding_exception.revoke',
    target: { type: 'finding_exception', id: exception._id, label: exception.kind },
    ip: options.ip,
    outcome: 'success',
    details: { kind: exception.kind, findings: exception.findingIds.length, previousStatus: exception.status, expiresAt: exception.expiresAt?.toISOString() ?? null },
    businessUnitId: exception.businessUnitId,
  });
  // The findings back at work are news for ticketing systems as much as a scan's reopened ones.
  const byAsset = new Map<string, string[]>();
  for (const finding of reopened) byAsset.set(finding.assetId, [...(byAsset.get(finding.assetId) ?? []), finding._id]);
  await enqueueWebhookEvents(
    [...byAsset].flatMap(([assetId, findingIds]) =>
      findingEvents({ event: 'finding.reopened', businessUnitId: exception.businessUnitId, assetId, key: `exception:${exception._id}`, data: { runId: null, exceptionId: exception._id, reason: `exception-${options.status}` }, findingIds, at: now }),
    ),
  );
  return true;
}

/** Withdraws a request or ends an approved exception early: approvers may, and the requester for their own. */
export async function revokeFindingException(options: { acting: Acting; exceptionId: string; meta: RequestMeta; now?: Date }): Promise<FindingExceptionView> {
  const person = personOf(options.acting);
  const now = options.now ?? new Date();
  const exception = await FindingExceptionModel.findOne({ ...scopeFilter(scopeOfActing(options.acting)), _id: options.exceptionId }).lean<FindingException>();
  if (!exception) throw new AppError('NOT_FOUND', `exception ${options.exceptionId} not found`);
  const principal = 'principal' in options.acting ? options.acting.principal : null;
  const mayRevoke = principal !== null && (hasPermission(principal, 'findings:approve') || (exception.requestedBy.id === person.id && hasPermission(principal, 'findings:triage')));
  if (!mayRevoke) throw new AppError('FORBIDDEN', 'only an approver or the requester may revoke an exception');
  if (exception.status !== 'requested' && exception.status !== 'approved') throw new AppError('CONFLICT', `exception ${exception._id} is already ${exception.status}`);
  const ended = await endException({ exception, status: 'revoked', by: person, actor: actorOfActing(options.acting), ip: options.meta.ip, now });
  if (!ended) throw new AppError('CONFLICT', `exception ${exception._id} was decided or ended at the same time`);
  return toExceptionView({ ...exception, status: 'revoked', endedBy: person, endedAt: now });
}

/**
 * The scheduled job: every live exception past its expiry date expires, and the findings it covered are reopened.
 * Runs on one node per cluster (scheduler lease); a second run finds nothing left to do.
 */
export async function expireFindingExceptions(options: { now?: Date } = {}): Promise<{ expired: number }> {
  const now = options.now ?? new Date();
  const due = await FindingExceptionModel.find({ status: { $in: ['requested', 'approved'] }, expiresAt: { $lte: now } }).sort({ expiresAt: 1 }).lean<FindingException[]>();
  let expired = 0;
  for (const exception of due) {
    if (await endException({ exception, status: 'expired', by: null, actor: { type: 'system', id: 'finding-exception-expiry' }, ip: null, now })) expired += 1;
  }
  return { expired };
}
