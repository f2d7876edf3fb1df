import { Schema } from 'mongoose';
import type { KbContribution, KbSourceId } from '../kb/kb-types';
import { defineModel } from './define-model';

/**
 * What one upstream source said about one vulnerability, exactly as its importer normalised
 * it. `hash` makes re-imports idempotent; kb_pending lists the keys whose KB record must be
 * rebuilt, so an interrupted import resumes where it stopped.
 */
export interface KbContributionDoc {
  _id: string;
  source: KbSourceId;
  recordId: string;
  /** The upstream record this came from (a USN, an OSV file, an Alpine package entry). */
  upstreamId: string;
  key: string;
  hash: string;
  data: KbContribution;
  file: string;
  importedAt: Date;
}

const kbContributionSchema = new Schema<KbContributionDoc>(
  {
    _id: { type: String, required: true },
    source: { type: String, required: true },
    recordId: { type: String, required: true },
    upstreamId: { type: String, required: true },
    key: { type: String, required: true },
    hash: { type: String, required: true },
    data: { type: Schema.Types.Mixed, required: true },
    file: { type: String, required: true },
    importedAt: { type: Date, required: true },
  },
  { collection: 'kb_contributions', versionKey: false, minimize: false },
);
kbContributionSchema.index({ key: 1 });
kbContributionSchema.index({ source: 1, upstreamId: 1 });

export const KbContributionModel = defineModel<KbContributionDoc>('KbContribution', kbContributionSchema);
