import { Schema } from 'mongoose';
import { defineModel } from './define-model';

/** The one document of `kb_totals`. */
export const KB_TOTALS_ID = 'kb';

/**
 * The KB's record counts, kept by the merge (the one writer of KB records) as it writes them: FerretDB counts a
 * collection by reading and decoding every document, minutes for a full KB, so the KB page must not count.
 */
export interface KbTotals {
  _id: typeof KB_TOTALS_ID;
  vulnerabilities: number;
  kevListed: number;
  /** A merge pass is writing records: set before, cleared with its counts after; left set by a pass that died. */
  writing: boolean;
}

const kbTotalsSchema = new Schema<KbTotals>(
  {
    _id: { type: String, required: true },
    vulnerabilities: { type: Number, required: true },
    kevListed: { type: Number, required: true },
    writing: { type: Boolean, required: true },
  },
  { collection: 'kb_totals', versionKey: false },
);

export const KbTotalsModel = defineModel<KbTotals>('KbTotals', kbTotalsSchema);
