import type { Collection } from 'mongodb';
import { Schema } from 'mongoose';
import { defineModel } from './define-model';
import type { KbSeverity } from './kb-vulnerability.model';

/**
 * Open findings (without an approved exception) of one vulnerability in one business unit, `_id` =
 * `${businessUnitId}|${vulnId}`, kept with `$inc` by the lifecycle transitions: the dashboard's top
 * vulnerabilities read a few of these instead of grouping a million findings.
 */
export interface FindingVulnCount {
  _id: string;
  businessUnitId: string;
  vulnId: string;
  severity: KbSeverity;
  kev: boolean;
  open: number;
}

const findingVulnCountSchema = new Schema<FindingVulnCount>(
  {
    _id: { type: String, required: true },
    businessUnitId: { type: String, required: true },
    vulnId: { type: String, required: true },
    severity: { type: String, required: true },
    kev: { type: Boolean, required: true },
    open: { type: Number, required: true },
  },
  { collection: 'finding_vuln_counts', versionKey: false },
);
findingVulnCountSchema.index({ businessUnitId: 1, open: -1 });

export const FindingVulnCountModel = defineModel<FindingVulnCount>('FindingVulnCount', findingVulnCountSchema);

/** The driver's collection, for `$inc` upserts. */
export const findingVulnCountCollection = () => FindingVulnCountModel.collection as unknown as Collection<FindingVulnCount>;
