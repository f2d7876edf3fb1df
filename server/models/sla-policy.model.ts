import { Schema } from 'mongoose';
import { defineModel } from './define-model';

/** Installation-wide remediation deadlines (one document, `_id: 'sla'`, beside the auth policy in `settings`). */
export interface SlaPolicy {
  _id: 'sla';
  /** Days from first seen to due, per severity. */
  days: { critical: number; high: number; medium: number; low: number };
  /** A finding due within this many days is `due-soon`. */
  dueSoonDays: number;
  /** Counts the changes; the open findings carry the dates of change `redatedGeneration` (sla-policy.ts). */
  generation: number;
  redatedGeneration: number;
  updatedAt: Date;
}

const slaPolicySchema = new Schema<SlaPolicy>(
  {
    _id: { type: String, required: true },
    days: { type: Schema.Types.Mixed, required: true },
    dueSoonDays: { type: Number, required: true },
    generation: { type: Number, default: 0 },
    redatedGeneration: { type: Number, default: 0 },
  },
  { collection: 'settings', timestamps: { createdAt: false, updatedAt: true }, versionKey: false },
);

export const SlaPolicyModel = defineModel<SlaPolicy>('SlaPolicy', slaPolicySchema);
