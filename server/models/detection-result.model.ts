import { Schema } from 'mongoose';
import type { DetectionProblem, Finding } from '../detection/detection-types';
import { defineModel } from './define-model';

/**
 * The current detection result of one stored inventory (`_id` = assetKey): the findings as the engine gives them,
 * and what the last evaluation changed. Deliberately minimal — the finding lifecycle (new → active → fixed →
 * reopened, first/last seen, SLA) is built on top of it by the workflow: it reads `findings` and `lastChange`.
 * `vulnIds` (indexed on MongoDB, see server/db/multikey-indexes.ts) lets a KB change reach the hosts whose findings name a record even when the corrected
 * record no longer names their package.
 */
export interface DetectionChange {
  at: Date;
  /** `kb-change` (re-evaluation after a KB import/sync, with its run id) or `inventory` (a new inventory). */
  cause: 'kb-change' | 'inventory';
  runId: string | null;
  /** Finding keys `vulnId ecosystem package`. Closed by a KB change = "fixed by KB correction". */
  appeared: string[];
  closed: string[];
  changed: string[];
}

export interface DetectionResultDoc {
  _id: string;
  findings: Finding[];
  vulnIds: string[];
  problemCount: number;
  /** The first problems (per item), for display. */
  problems: DetectionProblem[];
  evaluatedAt: Date;
  lastChange: DetectionChange | null;
}

const detectionResultSchema = new Schema<DetectionResultDoc>(
  {
    _id: { type: String, required: true },
    findings: { type: Schema.Types.Mixed, default: [] },
    vulnIds: { type: [String], default: [] },
    problemCount: { type: Number, default: 0 },
    problems: { type: Schema.Types.Mixed, default: [] },
    evaluatedAt: { type: Date, required: true },
    lastChange: { type: Schema.Types.Mixed, default: null },
  },
  { collection: 'detection_results', versionKey: false, minimize: false },
);

export const DetectionResultModel = defineModel<DetectionResultDoc>('DetectionResult', detectionResultSchema);
