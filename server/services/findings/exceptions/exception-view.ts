import type { ExceptionPerson, FindingException, FindingExceptionKind, FindingExceptionStatus } from '../../../models/finding-exception.model';

/** An exception as callers see it. Times are ISO 8601. */
export interface FindingExceptionView {
  id: string;
  businessUnitId: string;
  kind: FindingExceptionKind;
  findingIds: string[];
  justification: string;
  status: FindingExceptionStatus;
  requestedBy: ExceptionPerson;
  requestedAt: string;
  expiresAt: string | null;
  decidedBy: ExceptionPerson | null;
  decidedAt: string | null;
  decisionNote: string | null;
  endedBy: ExceptionPerson | null;
  endedAt: string | null;
}

export function toExceptionView(doc: FindingException): FindingExceptionView {
  return {
    id: doc._id,
    businessUnitId: doc.businessUnitId,
    kind: doc.kind,
    findingIds: doc.findingIds,
    justification: doc.justification,
    status: doc.status,
    requestedBy: doc.requestedBy,
    requestedAt: doc.requestedAt.toISOString(),
    expiresAt: doc.expiresAt?.toISOString() ?? null,
    decidedBy: doc.decidedBy,
    decidedAt: doc.decidedAt?.toISOString() ?? null,
    decisionNote: doc.decisionNote,
    endedBy: doc.endedBy,
    endedAt: doc.endedAt?.toISOString() ?? null,
  };
}
