import { Schema } from 'mongoose';
import { defineModel } from './define-model';

/**
 * A remediation ticket (README "Remediation tickets and webhooks"): 1–1000 findings of one business unit grouped
 * for someone to fix by a date.
 *
 * Status: `open` (created) and `in-progress` are set by people; `resolved` when a scan result finds all its
 * findings fixed (or a person claims so — the next result then confirms or reopens it); `reopened` when a result
 * shows a finding of a resolved ticket open again; `closed` ends it without verification (won't fix, duplicate).
 * Every change moves `version` on by one under a unique claim, so two writers never both apply a change to the
 * same version (conditional updates do not settle races on FerretDB).
 */
export const TICKET_STATUSES = ['open', 'in-progress', 'resolved', 'reopened', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
/** What a person may set; `reopened` is the verification's verdict. */
export const SETTABLE_TICKET_STATUSES = ['open', 'in-progress', 'resolved', 'closed'] as const satisfies readonly TicketStatus[];
/** The tickets each scan result of their assets re-checks (resolved ones: to catch a regression). */
export const VERIFIED_TICKET_STATUSES = ['open', 'in-progress', 'reopened', 'resolved'] as const satisfies readonly TicketStatus[];

export const TICKET_MAX_FINDINGS = 1000;
export const TICKET_MAX_COMMENTS = 200;

export interface TicketPerson {
  id: string;
  email: string | null;
}

export interface TicketComment {
  at: Date;
  by: TicketPerson;
  text: string;
}

export interface TicketVerification {
  at: Date;
  /** The scan run whose result checked it; null for a KB re-evaluation. */
  runId: string | null;
  /** Its findings still open then. */
  remaining: string[];
}

export interface RemediationTicket {
  _id: string;
  businessUnitId: string;
  title: string;
  description: string;
  findingIds: string[];
  /** The assets of its findings: a result of one of them re-checks the ticket. */
  assetIds: string[];
  assignee: TicketPerson | null;
  dueAt: Date | null;
  status: TicketStatus;
  comments: TicketComment[];
  verification: TicketVerification | null;
  createdBy: TicketPerson;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const remediationTicketSchema = new Schema<RemediationTicket>(
  {
    _id: { type: String, required: true },
    businessUnitId: { type: String, required: true },
    title: { type: String, required: true },
    description: { type: String, default: '' },
    // No index on the arrays (multikey indexes are MongoDB-only): lookups by asset filter on unit and status first.
    findingIds: { type: [String], required: true },
    assetIds: { type: [String], required: true },
    assignee: { type: Schema.Types.Mixed, default: null },
    dueAt: { type: Date, default: null },
    status: { type: String, enum: TICKET_STATUSES, required: true },
    comments: { type: Schema.Types.Mixed, default: [] },
    verification: { type: Schema.Types.Mixed, default: null },
    createdBy: { type: Schema.Types.Mixed, required: true },
    version: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'remediation_tickets', versionKey: false, minimize: false },
);
remediationTicketSchema.index({ businessUnitId: 1, status: 1, updatedAt: -1 });
remediationTicketSchema.index({ businessUnitId: 1, dueAt: 1 });

export const RemediationTicketModel = defineModel<RemediationTicket>('RemediationTicket', remediationTicketSchema);
