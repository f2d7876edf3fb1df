import { Schema } from 'mongoose';
import { defineModel } from './define-model';

export const SCAN_JOB_STATUSES = ['queued', 'leased', 'done', 'failed', 'cancelled'] as const;
export type ScanJobStatus = (typeof SCAN_JOB_STATUSES)[number];

/**
 * A slice of a run's hosts that one node leases at a time. Who holds it is decided by the lease
 * `scan-job:<id>` (server/scheduler/lease.ts); the fields here mirror it for queries and display.
 * A job whose lease expired is `leased` with a past `leaseExpiresAt` and is handed out again.
 */
export interface ScanJob {
  _id: string;
  runId: string;
  scanId: string;
  businessUnitId: string;
  hosts: string[];
  status: ScanJobStatus;
  leaseId: string | null;
  nodeId: string | null;
  leaseExpiresAt: Date | null;
  /** Leases granted so far; more than one means the job was resumed after a node was lost. */
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

const scanJobSchema = new Schema<ScanJob>(
  {
    _id: { type: String, required: true },
    runId: { type: String, required: true },
    scanId: { type: String, required: true },
    businessUnitId: { type: String, required: true },
    hosts: { type: [String], required: true },
    status: { type: String, enum: SCAN_JOB_STATUSES, required: true },
    leaseId: { type: String, default: null },
    nodeId: { type: String, default: null },
    leaseExpiresAt: { type: Date, default: null },
    attempts: { type: Number, default: 0 },
    lastError: { type: String, default: null },
    createdAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
  },
  { collection: 'scan_jobs', versionKey: false },
);
scanJobSchema.index({ status: 1, createdAt: 1 });
scanJobSchema.index({ runId: 1 });

export const ScanJobModel = defineModel<ScanJob>('ScanJob', scanJobSchema);

/**
 * The result of one host in one run (`_id` = `<runId>|<address>`). Its unique `_id` is what makes result
 * uploads idempotent and resumption exact: a host is stored once per run, whichever node or lease sent it.
 */
export interface ScanHostResult {
  _id: string;
  runId: string;
  jobId: string;
  nodeId: string;
  businessUnitId: string;
  address: string;
  seq: number;
  reachable: boolean;
  openPorts: number;
  assetId: string | null;
  problems: { stage: string; message: string }[];
  receivedAt: Date;
}

const scanHostResultSchema = new Schema<ScanHostResult>(
  {
    _id: { type: String, required: true },
    runId: { type: String, required: true },
    jobId: { type: String, required: true },
    nodeId: { type: String, required: true },
    businessUnitId: { type: String, required: true },
    address: { type: String, required: true },
    seq: { type: Number, required: true },
    reachable: { type: Boolean, required: true },
    openPorts: { type: Number, required: true },
    assetId: { type: String, default: null },
    problems: { type: Schema.Types.Mixed, default: [] },
    receivedAt: { type: Date, required: true },
  },
  { collection: 'scan_host_results', versionKey: false, minimize: false },
);
scanHostResultSchema.index({ runId: 1 });
scanHostResultSchema.index({ jobId: 1 });

export const ScanHostResultModel = defineModel<ScanHostResult>('ScanHostResult', scanHostResultSchema);
