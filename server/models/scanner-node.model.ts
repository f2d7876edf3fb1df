import { Schema } from 'mongoose';
import { defineModel } from './define-model';

export const SCANNER_NODE_STATUSES = ['active', 'disabled', 'revoked'] as const;
export type ScannerNodeStatus = (typeof SCANNER_NODE_STATUSES)[number];

/**
 * An enrolled scanner node. Its identity is the Ed25519 public key it sent at enrolment: every later request is
 * signed with the private half, which never leaves the node. Disabled nodes are told so and get no work; revoked
 * ones are refused outright (their identity is dead; re-enrolling makes a new node).
 */
export interface ScannerNode {
  _id: string;
  name: string;
  publicKey: string;
  status: ScannerNodeStatus;
  version: string;
  capabilities: string[];
  load: { running: number; capacity: number; loadAverage: number } | null;
  enrolledAt: Date;
  lastHeartbeatAt: Date | null;
  /** The enrolment token's id (its hash), so an audit can tell which token made which node. */
  enrolledWithToken: string;
}

const scannerNodeSchema = new Schema<ScannerNode>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    publicKey: { type: String, required: true },
    status: { type: String, enum: SCANNER_NODE_STATUSES, required: true, default: 'active' },
    version: { type: String, default: '' },
    capabilities: { type: [String], default: [] },
    load: { type: Schema.Types.Mixed, default: null },
    enrolledAt: { type: Date, required: true },
    lastHeartbeatAt: { type: Date, default: null },
    enrolledWithToken: { type: String, required: true },
  },
  { collection: 'scanner_nodes', versionKey: false, minimize: false },
);

export const ScannerNodeModel = defineModel<ScannerNode>('ScannerNode', scannerNodeSchema);

/**
 * A one-time enrolment token: only its SHA-256 is stored. Using it inserts the `scanner-enrol:<id>` claim (unique
 * `_id`), so of two nodes presenting the same token exactly one is enrolled.
 */
export interface ScannerEnrollmentToken {
  _id: string;
  name: string;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  nodeId: string | null;
}

const scannerEnrollmentTokenSchema = new Schema<ScannerEnrollmentToken>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
    nodeId: { type: String, default: null },
  },
  { collection: 'scanner_enrollment_tokens', versionKey: false },
);

export const ScannerEnrollmentTokenModel = defineModel<ScannerEnrollmentToken>('ScannerEnrollmentToken', scannerEnrollmentTokenSchema);
