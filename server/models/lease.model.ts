import { Schema } from 'mongoose';
import { defineModel } from './define-model';

/** A lease: who may run a cluster-wide singleton (a scheduled job) until when. */
export interface Lease {
  _id: string;
  holder: string;
  expiresAt: Date;
}

const leaseSchema = new Schema<Lease>(
  { _id: { type: String, required: true }, holder: { type: String, required: true }, expiresAt: { type: Date, required: true } },
  { collection: 'leases', versionKey: false },
);

export const LeaseModel = defineModel<Lease>('Lease', leaseSchema);
