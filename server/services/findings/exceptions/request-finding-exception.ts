import { randomUUID } from 'node:crypto';
import type { RequestMeta } from '../../../auth/request-meta';
import { scopeFilter } from '../../../auth/scope';
import { AppError } from '../../../errors/app-error';
import { FindingExceptionModel, type FindingException, type FindingExceptionKind } from '../../../models/finding-exception.model';
import { FindingModel, isOpenFinding } from '../../../models/finding.model';
import { recordAudit } from '../../audit/record-audit';
import { actorOfActing, requirePermission, scopeOfActing, type Acting } from '../../auth/acting-principal';
import { claimFindings, personOf } from './exception-records';
import { toExceptionView, type FindingExceptionView } from './exception-view';

export const EXCEPTION_MAX_DAYS = 365;
export const EXCEPTION_MAX_FINDINGS = 500;
const DAY_MS = 86_400_000;

const listed = (ids: string[]) => `${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ` and ${ids.length - 5} more` : ''}`;

/**
 * Asks for an exception for open findings of one business unit. The request is checked whole before anything is
 * written: a finding that is not the caller's (another unit's, or none at all) makes it NOT_FOUND, findings of
 * several units or fixed ones BAD_INPUT, a finding another live exception covers CONFLICT. It covers nothing until
 * someone else approves it (approve-finding-exception.ts).
 */
export async function requestFindingException(options: {
  acting: Acting;
  kind: FindingExceptionKind;
  findingIds: string[];
  justification: string;
  expiresAt: Date | null;
  meta: RequestMeta;
  now?: Date;
}): Promise<FindingExceptionView> {
  requirePermission(options.acting, 'findings:triage');
  const requester = personOf(options.acting);
  const now = options.now ?? new Date();
  const findingIds = [...new Set(options.findingIds)];
  if (findingIds.length === 0 || findingIds.length > EXCEPTION_MAX_FINDINGS) throw new AppError('BAD_INPUT', `name 1 to ${EXCEPTION_MAX_FINDINGS} findings`);
  if (options.kind === 'risk-acceptance' && !options.expiresAt) throw new AppError('BAD_INPUT', 'a risk acceptance needs an expiry date');
  if (options.expiresAt && options.expiresAt.getTime() <= now.getTime()) throw new AppError('BAD_INPUT', 'the expiry date must be in the future');
  if (options.expiresAt && options.expiresAt.getTime() > now.getTime() + EXCEPTION_MAX_DAYS * DAY_MS) throw new AppError('BAD_INPUT', `an exception may last at most ${EXCEPTION_MAX_DAYS} days`);

  const findings = await FindingModel.find({ ...scopeFilter(scopeOfActing(options.acting)), _id: { $in: findingIds } }, { businessUnitId: 1, status: 1, exceptionId: 1 }).lean();
  const found = new Set(findings.map((finding) => finding._id));
  const missing = findingIds.filter((id) => !found.has(id));
  if (missing.length > 0) throw new AppError('NOT_FOUND', `finding(s) not found: ${listed(missing)}`);
  const units = [...new Set(findings.map((finding) => finding.businessUnitId))];
  if (units.length > 1) throw new AppError('BAD_INPUT', `an exception covers findings of one business unit; these are of ${units.join(', ')}`);
  const fixed = findings.filter((finding) => !isOpenFinding(finding.status)).map((finding) => finding._id);
  if (fixed.length > 0) throw new AppError('BAD_INPUT', `finding(s) already fixed: ${listed(fixed)}`);
  const covered = findings.filter((finding) => finding.exceptionId).map((finding) => finding._id);
  if (covered.length > 0) throw new AppError('CONFLICT', `finding(s) already under an exception: ${listed(covered)}`);

  const exception: FindingException = {
    _id: randomUUID(),
    businessUnitId: units[0]!,
    kind: options.kind,
    findingIds,
    justification: options.justification,
    status: 'requested',
    requestedBy: requester,
    requestedAt: now,
    expiresAt: options.expiresAt,
    decidedBy: null,
    decidedAt: null,
    decisionNote: null,
    endedBy: null,
    endedAt: null,
  };
  if (!(await claimFindings(exception._id, findingIds, now))) throw new AppError('CONFLICT', 'another exception was requested for some of these findings at the same time');
  await FindingExceptionModel.create(exception);
  await FindingModel.updateMany({ _id: { $in: findingIds } }, { $set: { exceptionId: exception._id } });
  await recordAudit({
    actor: actorOfActing(options.acting),
    action: 'finding_exception.request',
    target: { type: 'finding_exception', id: exception._id, label: options.kind },
    ip: options.meta.ip,
    outcome: 'success',
    details: { kind: options.kind, findings: findingIds.length, firstFinding: findingIds[0]!, expiresAt: options.expiresAt?.toISOString() ?? null },
    businessUnitId: exception.businessUnitId,
  });
  return toExceptionView(exception);
}
