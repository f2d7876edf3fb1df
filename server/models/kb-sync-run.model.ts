import { Schema } from 'mongoose';
import type { KbSourceId } from '../kb/kb-types';
import { defineModel } from './define-model';

export const KB_SYNC_RUN_STATES = ['running', 'succeeded', 'partial', 'failed'] as const;
export type KbSyncRunState = (typeof KB_SYNC_RUN_STATES)[number];

export interface KbSyncRunSource {
  state: 'pending' | 'running' | 'done';
  outcome: 'updated' | 'not-modified' | 'failed' | 'skipped' | null;
  downloaded: number;
  bytes: number;
  created: number;
  updated: number;
  durationMs: number | null;
  error: string | null;
}

/** One KB mirror sync (scheduled, CLI or "sync now"), with per-source progress for the console. */
export interface KbSyncRun {
  _id: string;
  trigger: 'schedule' | 'manual';
  requestedBy: string | null;
  state: KbSyncRunState;
  /** Source ids in sync order; `sources` holds each one's progress. */
  order: KbSourceId[];
  sources: Record<string, KbSyncRunSource>;
  startedAt: Date;
  /** Moves at every source step; a running run whose heartbeat is old was interrupted. */
  heartbeatAt: Date;
  finishedAt: Date | null;
  error: string | null;
}

const kbSyncRunSchema = new Schema<KbSyncRun>(
  {
    _id: { type: String, required: true },
    trigger: { type: String, enum: ['schedule', 'manual'], required: true },
    requestedBy: { type: String, default: null },
    state: { type: String, enum: KB_SYNC_RUN_STATES, required: true },
    order: { type: [String], default: [] },
    // Keyed by source id: FerretDB has no positional ($) array updates, dotted paths into an object work.
    sources: { type: Schema.Types.Mixed, default: {} },
    startedAt: { type: Date, required: true },
    heartbeatAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
    error: { type: String, default: null },
  },
  { collection: 'kb_sync_runs', versionKey: false },
);
kbSyncRunSchema.index({ startedAt: -1 });

export const KbSyncRunModel = defineModel<KbSyncRun>('KbSyncRun', kbSyncRunSchema);
