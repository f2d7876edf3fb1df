import { Schema } from 'mongoose';
import type { KbSourceId } from '../kb/kb-types';
import { defineModel } from './define-model';

/** Per-source freshness and counts, shown by `vigil kb stats` and the KB sources page. */
export interface KbSourceStatus {
  _id: KbSourceId;
  /** Distinct upstream records (NVD CVEs, OSV files, USNs, OVAL definitions, Alpine package entries…). */
  records: number;
  contributions: number;
  lastImportAt: Date | null;
  lastImportFiles: string[];
  lastProblems: number;
  lastError: string | null;
  lastSyncAt: Date | null;
  lastSyncOutcome: 'updated' | 'not-modified' | 'failed' | null;
  lastSyncDurationMs: number | null;
  lastSyncBytes: number;
  lastSyncError: string | null;
}

const kbSourceStatusSchema = new Schema<KbSourceStatus>(
  {
    _id: { type: String, required: true },
    records: { type: Number, default: 0 },
    contributions: { type: Number, default: 0 },
    lastImportAt: { type: Date, default: null },
    lastImportFiles: { type: [String], default: [] },
    lastProblems: { type: Number, default: 0 },
    lastError: { type: String, default: null },
    lastSyncAt: { type: Date, default: null },
    lastSyncOutcome: { type: String, default: null },
    lastSyncDurationMs: { type: Number, default: null },
    lastSyncBytes: { type: Number, default: 0 },
    lastSyncError: { type: String, default: null },
  },
  { collection: 'kb_sources', versionKey: false },
);

export const KbSourceStatusModel = defineModel<KbSourceStatus>('KbSourceStatus', kbSourceStatusSchema);
