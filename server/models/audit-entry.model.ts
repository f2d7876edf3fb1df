import { Schema, type Types } from 'mongoose';
import { ROOT_BUSINESS_UNIT_ID } from '../auth/scope';
import { defineModel } from './define-model';

export const AUDIT_ACTOR_TYPES = ['user', 'token', 'system', 'anonymous'] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];

export const AUDIT_OUTCOMES = ['success', 'failure'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export type AuditDetails = Record<string, string | number | boolean | null>;

/**
 * One entry of the append-only audit log. Absent optional values are stored as null (never
 * omitted), so the stored document and the hashed canonical form always agree.
 */
export interface AuditEntry {
  /** 1, 2, 3… without gaps: the position in the hash chain. */
  seq: number;
  at: Date;
  actor: { type: AuditActorType; id: string | null; email: string | null };
  action: string;
  target: { type: string; id: string | null; label: string | null } | null;
  ip: string | null;
  outcome: AuditOutcome;
  reason: string | null;
  details: AuditDetails | null;
  businessUnitId: string;
  /** The previous entry's `hash`; 64 zeros for seq 1. */
  prevHash: string;
  /** SHA-256 (hex) of the canonical serialisation, see server/services/audit/audit-hash.ts. */
  hash: string;
}

/** An entry as read back (lean), with its document id. */
export type StoredAuditEntry = AuditEntry & { _id: Types.ObjectId };

// Sub-schemas because `type` is a field name here, not mongoose's type keyword; no _id of their own.
const actorSchema = new Schema(
  { type: { type: String, enum: AUDIT_ACTOR_TYPES, required: true }, id: { type: String, default: null }, email: { type: String, default: null } },
  { _id: false },
);
const targetSchema = new Schema(
  { type: { type: String, required: true }, id: { type: String, default: null }, label: { type: String, default: null } },
  { _id: false },
);

const auditEntrySchema = new Schema<AuditEntry>(
  {
    seq: { type: Number, required: true },
    at: { type: Date, required: true },
    actor: { type: actorSchema, required: true },
    action: { type: String, required: true },
    target: { type: targetSchema, default: null },
    ip: { type: String, default: null },
    outcome: { type: String, enum: AUDIT_OUTCOMES, required: true },
    reason: { type: String, default: null },
    details: { type: Schema.Types.Mixed, default: null },
    businessUnitId: { type: String, required: true, default: ROOT_BUSINESS_UNIT_ID },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
  },
  // minimize: false keeps what was hashed exactly as it was (an empty object is not dropped).
  { collection: 'audit_log', versionKey: false, minimize: false },
);
// The unique seq is what makes appends from several console nodes safe without transactions.
auditEntrySchema.index({ seq: 1 }, { unique: true });
auditEntrySchema.index({ businessUnitId: 1, seq: -1 });
auditEntrySchema.index({ at: -1 });
auditEntrySchema.index({ action: 1 });
auditEntrySchema.index({ 'actor.email': 1 });

export const AuditEntryModel = defineModel<AuditEntry>('AuditEntry', auditEntrySchema);
