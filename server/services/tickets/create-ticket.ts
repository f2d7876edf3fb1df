import { randomUUID } from 'node:crypto';
import type { RequestMeta } from '../../auth/request-meta';
import { scopeFilter } from '../../auth/scope';
import { AppError } from '../../errors/app-error';
import { FindingModel, isOpenFinding } from '../../models/finding.model';
import { RemediationTicketModel, TICKET_MAX_FINDINGS, type RemediationTicket } from '../../models/remediation-ticket.model';
import { actorOfActing, requirePermission, scopeOfActing, type Acting } from '../auth/acting-principal';
import { announceTicketChange, assigneeOf, personOf } from './ticket-records';
import { toTicketView, type TicketView } from './ticket-view';

const listed = (ids: string[]) => `${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ` and ${ids.length - 5} more` : ''}`;

/**
 * Groups open findings of one business unit into a ticket. The request is checked whole before anything is
 * written: a finding or assignee the caller cannot see (another unit's, or none) makes it NOT_FOUND; findings of
 * several units, fixed ones or a past due date BAD_INPUT.
 */
export async function createTicket(options: {
  acting: Acting;
  input: { title: string; description?: string; findingIds: string[]; assigneeId?: string; dueAt?: Date };
  meta: RequestMeta;
  now?: Date;
}): Promise<TicketView> {
  requirePermission(options.acting, 'findings:remediate');
  const { input } = options;
  const scope = scopeOfActing(options.acting);
  const now = options.now ?? new Date();
  const findingIds = [...new Set(input.findingIds)];
  if (findingIds.length === 0 || findingIds.length > TICKET_MAX_FINDINGS) throw new AppError('BAD_INPUT', `name 1 to ${TICKET_MAX_FINDINGS} findings`);
  if (input.dueAt && input.dueAt.getTime() <= now.getTime()) throw new AppError('BAD_INPUT', 'the due date must be in the future');

  const findings = await FindingModel.find({ ...scopeFilter(scope), _id: { $in: findingIds } }, { businessUnitId: 1, assetId: 1, status: 1 }).lean();
  const found = new Set(findings.map((finding) => finding._id));
  const missing = findingIds.filter((id) => !found.has(id));
  if (missing.length > 0) throw new AppError('NOT_FOUND', `finding(s) not found: ${listed(missing)}`);
  const units = [...new Set(findings.map((finding) => finding.businessUnitId))];
  if (units.length > 1) throw new AppError('BAD_INPUT', `a ticket holds findings of one business unit; these are of ${units.join(', ')}`);
  const fixed = findings.filter((finding) => !isOpenFinding(finding.status)).map((finding) => finding._id);
  if (fixed.length > 0) throw new AppError('BAD_INPUT', `finding(s) already fixed: ${listed(fixed)}`);
  const businessUnitId = units[0]!;
  const assignee = input.assigneeId ? await assigneeOf({ scope, userId: input.assigneeId, businessUnitId }) : null;

  const ticket: RemediationTicket = {
    _id: randomUUID(),
    businessUnitId,
    title: input.title,
    description: input.description ?? '',
    findingIds,
    assetIds: [...new Set(findings.map((finding) => finding.assetId))],
    assignee,
    dueAt: input.dueAt ?? null,
    status: 'open',
    comments: [],
    verification: null,
    createdBy: personOf(options.acting),
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  await RemediationTicketModel.create(ticket);
  await announceTicketChange({
    before: null,
    after: ticket,
    actor: actorOfActing(options.acting),
    action: 'ticket.create',
    ip: options.meta.ip,
    details: { findings: findingIds.length, firstFinding: findingIds[0]!, assignee: assignee?.email ?? null, dueAt: ticket.dueAt?.toISOString() ?? null },
  });
  return toTicketView(ticket);
}
