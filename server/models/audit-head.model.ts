import { Schema } from 'mongoose';
import { defineModel } from './define-model';

/**
 * The newest audit entry known to have been appended (one document). Its `seq` only grows, so
 * deleting entries at the tail of `audit_log` leaves the head pointing past the last entry.
 */
export interface AuditHead {
  _id: string;
  seq: number;
  hash: string;
}

export const AUDIT_HEAD_ID = 'audit-log';

const auditHeadSchema = new Schema<AuditHead>(
  { _id: { type: String, required: true }, seq: { type: Number, required: true }, hash: { type: String, required: true } },
  { collection: 'audit_head', versionKey: false },
);

export const AuditHeadModel = defineModel<AuditHead>('AuditHead', auditHeadSchema);
