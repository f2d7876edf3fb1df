import type { RemediationTicket, TicketPerson, TicketStatus } from '../../models/remediation-ticket.model';

/** A ticket as callers see it. Times are ISO 8601. */
export interface TicketView {
  id: string;
  businessUnitId: string;
  title: string;
  description: string;
  findingIds: string[];
  assetIds: string[];
  assignee: TicketPerson | null;
  dueAt: string | null;
  status: TicketStatus;
  comments: { at: string; by: TicketPerson; text: string }[];
  verification: { at: string; runId: string | null; remaining: string[] } | null;
  createdBy: TicketPerson;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function toTicketView(doc: RemediationTicket): TicketView {
  return {
    id: doc._id,
    businessUnitId: doc.businessUnitId,
    title: doc.title,
    description: doc.description,
    findingIds: doc.findingIds,
    assetIds: doc.assetIds,
    assignee: doc.assignee,
    dueAt: doc.dueAt?.toISOString() ?? null,
    status: doc.status,
    comments: doc.comments.map((comment) => ({ at: comment.at.toISOString(), by: comment.by, text: comment.text })),
    verification: doc.verification ? { at: doc.verification.at.toISOString(), runId: doc.verification.runId, remaining: doc.verification.remaining } : null,
    createdBy: doc.createdBy,
    version: doc.version,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}
