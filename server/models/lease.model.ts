import { Schema } from 'mongoose';
import { defineModel } from './define-model';

/** A lease: who may run a cluster-wide singleton (a scheduled job) until when. */
export interface Lease {
  _id: string;
  holder: string;
  expiresAt: Date;
  /** Counts hand-overs; taking the lease means inserting the claim of the next generation. */
  generation: number;
}

const leaseSchema = new Schema<Lease>(
  {
    _id: { type: String, required: true },
    holder: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    generation: { type: Number, required: true, default: 0 },
  },
  { collection: 'leases', versionKey: false },
);

export const LeaseModel = defineModel<Lease>('Lease', leaseSchema);

/**
 * One document per hand-over of a lease (`<name>#<generation>`). Its unique `_id` decides who
 * takes a free lease: FerretDB 1.24 does not serialise conditional updates, a unique insert it does.
 */
export interface LeaseClaim {
  _id: string;
  holder: string;
  at: Date;
}

const leaseClaimSchema = new Schema<LeaseClaim>(
  { _id: { type: String, required: true }, holder: { type: String, required: true }, at: { type: Date, required: true } },
  { collection: 'lease_claims', versionKey: false },
);

export const LeaseClaimModel = defineModel<LeaseClaim>('LeaseClaim', leaseClaimSchema);
