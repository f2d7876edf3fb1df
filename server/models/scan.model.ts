import { Schema } from 'mongoose';
import { SCAN_PROFILES, type JobLimits, type ScanProfile } from '../../scanner/protocol/v1/schemas';
import { defineModel } from './define-model';

/** A scan definition: what to scan, how, with which credential, and when. Belongs to one business unit. */
export interface Scan {
  _id: string;
  name: string;
  businessUnitId: string;
  targets: string[];
  exclusions: string[];
  ports: string;
  profile: ScanProfile;
  credentialId: string | null;
  /** Five-field cron expression (node-cron), or null for launch-on-demand only. */
  schedule: string | null;
  /** The last schedule occurrence that was launched (or deliberately skipped), so each fires once per cluster. */
  lastScheduledFor: Date | null;
  limits: JobLimits;
  /** Hosts per job: the unit of work a node leases; smaller jobs spread a scan over more nodes. */
  hostsPerJob: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

const scanSchema = new Schema<Scan>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    businessUnitId: { type: String, required: true },
    targets: { type: [String], required: true },
    exclusions: { type: [String], default: [] },
    ports: { type: String, required: true },
    profile: { type: String, enum: SCAN_PROFILES, required: true },
    credentialId: { type: String, default: null },
    schedule: { type: String, default: null },
    lastScheduledFor: { type: Date, default: null },
    limits: { type: Schema.Types.Mixed, required: true },
    hostsPerJob: { type: Number, required: true },
    createdBy: { type: String, required: true },
  },
  { collection: 'scans', timestamps: true, versionKey: false },
);
scanSchema.index({ businessUnitId: 1, name: 1 }, { unique: true });

export const ScanModel = defineModel<Scan>('Scan', scanSchema);
