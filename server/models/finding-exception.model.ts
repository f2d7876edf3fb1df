import { Schema } from 'mongoose';
import { defineModel } from './define-model';
import type { ExceptionState } from './finding.model';

/**
 * An exception for findings of one business unit (README "Vulnerability workflow"): a risk acceptance or a
 * false-positive claim, with its justification, requested by one person and approved or rejected by another
 * (four-eyes). Approved, it covers its findings (`exceptionState` on each) until it expires or is revoked.
 */
export const FINDING_EXCEPTION_KINDS = ['risk-acceptance', 'false-positive'] as const;
export type FindingExceptionKind = (typeof FINDING_EXCEPTION_KINDS)[number];

export const FINDING_EXCEPTION_STATUSES = ['requested', 'approved', 'rejected', 'expired', 'revoked'] as const;
export type FindingExceptionStatus = (typeof FINDING_EXCEPTION_STATUSES)[number];

export const EXCEPTION_STATE_OF: Record<FindingExceptionKind, ExceptionState> = { 'risk-acceptance': 'risk-accepted', 'false-positive': 'false-positive' };

export interface ExceptionPerson {
  id: string;
  email: string | null;
}

export interface FindingException {
  _id: string;
  businessUnitId: string;
  kind: FindingExceptionKind;
  findingIds: string[];
  justification: string;
  status: FindingExceptionStatus;
  requestedBy: ExceptionPerson;
  requestedAt: Date;
  /** Required for a risk acceptance; a false-positive claim may hold until revoked. */
  expiresAt: Date | null;
  decidedBy: ExceptionPerson | null;
  decidedAt: Date | null;
  decisionNote: string | null;
  /** Who revoked it (null: expired, or not ended). */
  endedBy: ExceptionPerson | null;
  endedAt: Date | null;
}

const findingExceptionSchema = new Schema<FindingException>(
  {
    _id: { type: String, required: true },
    businessUnitId: { type: String, required: true },
    kind: { type: String, enum: FINDING_EXCEPTION_KINDS, required: true },
    // No index on the array (multikey indexes are MongoDB-only): findings point back with `exceptionId`.
    findingIds: { type: [String], required: true },
    justification: { type: String, required: true },
    status: { type: String, enum: FINDING_EXCEPTION_STATUSES, required: true },
    requestedBy: { type: Schema.Types.Mixed, required: true },
    requestedAt: { type: Date, required: true },
    expiresAt: { type: Date, default: null },
    decidedBy: { type: Schema.Types.Mixed, default: null },
    decidedAt: { type: Date, default: null },
    decisionNote: { type: String, default: null },
    endedBy: { type: Schema.Types.Mixed, default: null },
    endedAt: { type: Date, default: null },
  },
  { collection: 'finding_exceptions', versionKey: false, minimize: false },
);
findingExceptionSchema.index({ businessUnitId: 1, status: 1, requestedAt: -1 });
findingExceptionSchema.index({ status: 1, expiresAt: 1 });

export const FindingExceptionModel = defineModel<FindingException>('FindingException', findingExceptionSchema);

/**
 * Unique claims that settle races without transactions: `finding|<findingId>` — the one live exception of a
 * finding (released when it ends); `<exceptionId>|<status>` — the one transition out of that status.
 */
export interface FindingExceptionClaim {
  _id: string;
  exceptionId: string;
  kind: 'finding' | 'transition';
  at: Date;
}

const findingExceptionClaimSchema = new Schema<FindingExceptionClaim>(
  {
    _id: { type: String, required: true },
    exceptionId: { type: String, required: true },
    kind: { type: String, enum: ['finding', 'transition'], required: true },
    at: { type: Date, required: true },
  },
  { collection: 'finding_exception_claims', versionKey: false },
);
findingExceptionClaimSchema.index({ exceptionId: 1 });

export const FindingExceptionClaimModel = defineModel<FindingExceptionClaim>('FindingExceptionClaim', findingExceptionClaimSchema);
