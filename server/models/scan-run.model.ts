import { Schema } from 'mongoose';
import { SCAN_PROFILES, type ScanProfile } from '../../scanner/protocol/v1/schemas';
import { defineModel } from './define-model';

export const SCAN_RUN_STATUSES = ['running', 'paused', 'cancelled', 'completed', 'failed'] as const;
export type ScanRunStatus = (typeof SCAN_RUN_STATUSES)[number];

/** One launch of a scan. Progress is counted from its jobs and host results, not kept here. */
export interface ScanRun {
  _id: string;
  scanId: string;
  scanName: string;
  businessUnitId: string;
  profile: ScanProfile;
  status: ScanRunStatus;
  trigger: 'manual' | 'schedule';
  launchedBy: string;
  hostsTotal: number;
  /** Targets that expanded to nothing usable or were excluded, with why. */
  targetProblems: { target: string; message: string }[];
  createdAt: Date;
  finishedAt: Date | null;
}

const scanRunSchema = new Schema<ScanRun>(
  {
    _id: { type: String, required: true },
    scanId: { type: String, required: true },
    scanName: { type: String, required: true },
    businessUnitId: { type: String, required: true },
    profile: { type: String, enum: SCAN_PROFILES, required: true },
    status: { type: String, enum: SCAN_RUN_STATUSES, required: true },
    trigger: { type: String, enum: ['manual', 'schedule'], required: true },
    launchedBy: { type: String, required: true },
    hostsTotal: { type: Number, required: true },
    targetProblems: { type: Schema.Types.Mixed, default: [] },
    createdAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
  },
  { collection: 'scan_runs', versionKey: false, minimize: false },
);
scanRunSchema.index({ scanId: 1, createdAt: -1 });
scanRunSchema.index({ status: 1 });

export const ScanRunModel = defineModel<ScanRun>('ScanRun', scanRunSchema);
