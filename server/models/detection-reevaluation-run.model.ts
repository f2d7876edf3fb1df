import { Schema } from 'mongoose';
import { defineModel } from './define-model';

/**
 * One re-evaluation of stored inventories after a KB change. Resumable: the assets to re-detect are listed once
 * (sorted), `cursor` counts those done, and the counters are written with it after every batch — a crash resumes at
 * the cursor (resumeReevaluationRuns), re-detecting at most one batch again (re-detection is idempotent).
 */
export interface DetectionReevaluationRun {
  _id: string;
  status: 'running' | 'done' | 'failed';
  /** KB records whose content changed (the trigger). */
  vulnIds: string[];
  /** Package keys those records name. */
  packageKeys: string[];
  assetKeys: string[];
  cursor: number;
  appeared: number;
  closed: number;
  changed: number;
  error: string | null;
  startedAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

const runSchema = new Schema<DetectionReevaluationRun>(
  {
    _id: { type: String, required: true },
    status: { type: String, required: true },
    vulnIds: { type: [String], default: [] },
    packageKeys: { type: [String], default: [] },
    assetKeys: { type: [String], default: [] },
    cursor: { type: Number, default: 0 },
    appeared: { type: Number, default: 0 },
    closed: { type: Number, default: 0 },
    changed: { type: Number, default: 0 },
    error: { type: String, default: null },
    startedAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
  },
  { collection: 'detection_reevaluation_runs', versionKey: false, minimize: false },
);
runSchema.index({ status: 1, startedAt: -1 });

export const DetectionReevaluationRunModel = defineModel<DetectionReevaluationRun>('DetectionReevaluationRun', runSchema);
