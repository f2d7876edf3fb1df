import type { FilterQuery } from 'mongoose';
import { scopeFilter, type Scope } from '../../../auth/scope';
import { FindingExceptionModel, type FindingException, type FindingExceptionKind, type FindingExceptionStatus } from '../../../models/finding-exception.model';
import { FindingModel } from '../../../models/finding.model';
import { toExceptionView, type FindingExceptionView } from './exception-view';

export const EXCEPTIONS_MAX_PAGE_SIZE = 200;

/**
 * One page of the exceptions of the caller's business units, newest request first. `findingId` narrows to the
 * exception that covers that finding now (a finding points to its live exception; the list of ids is not indexed).
 */
export async function listFindingExceptions(options: {
  scope: Scope;
  filter: { status?: FindingExceptionStatus; kind?: FindingExceptionKind; findingId?: string };
  page: number;
  pageSize: number;
}): Promise<{ items: FindingExceptionView[]; total: number; page: number; pageSize: number }> {
  const pageSize = Math.min(Math.max(1, Math.floor(options.pageSize)), EXCEPTIONS_MAX_PAGE_SIZE);
  const page = Math.max(1, Math.floor(options.page));
  const { filter } = options;
  const covering = filter.findingId ? await FindingModel.findOne({ ...scopeFilter(options.scope), _id: filter.findingId }, { exceptionId: 1 }).lean() : null;
  const query: FilterQuery<FindingException> = {
    ...scopeFilter(options.scope),
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.kind ? { kind: filter.kind } : {}),
    ...(filter.findingId ? { _id: covering?.exceptionId ?? null } : {}),
  };
  const [docs, total] = await Promise.all([
    FindingExceptionModel.find(query)
      .sort({ requestedAt: -1, _id: 1 })
      .skip((page - 1) * pageSize)
      .limit(pageSize)
      .lean<FindingException[]>(),
    FindingExceptionModel.countDocuments(query),
  ]);
  return { items: docs.map(toExceptionView), total, page, pageSize };
}
