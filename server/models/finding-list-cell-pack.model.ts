import { Schema } from 'mongoose';
import { plainCollection } from '../db/plain-connection';
import { defineModel } from './define-model';
import type { ExceptionState, FindingStatus } from './finding.model';
import type { KbSeverity } from './kb-vulnerability.model';

/** A status, `open` (new, active or reopened) or `any`: the list's status filter, or none. */
export type CellStatusKey = FindingStatus | 'open' | 'any';
export type CellKevKey = 'kev' | 'no' | 'any';
export type CellExceptionKey = ExceptionState | 'none' | 'any';

/** Per severity, `r<risk × 10>` → how many findings hold that risk score. */
export type CellCounts = Partial<Record<KbSeverity, Record<string, number>>>;

/**
 * The list cells of one business unit and one combination of the list's status, KEV and exception filters (`any`:
 * that filter not set): per severity, how many findings hold each risk score (README "Findings list at a million
 * findings"). A finding counts in each combination it matches, so any such filter reads one pack per unit.
 * `_id` = cellPackIdOf(...); `counts` = the CellCounts as one JSON string, because FerretDB decodes a document value
 * by value and a pack holds hundreds of counts. Kept by read-modify-write on `revision` (finding-list-cells.ts).
 */
export interface FindingListCellPack {
  _id: string;
  businessUnitId: string;
  counts: string;
  revision: number;
}

const findingListCellPackSchema = new Schema<FindingListCellPack>(
  {
    _id: { type: String, required: true },
    businessUnitId: { type: String, required: true },
    counts: { type: String, required: true },
    revision: { type: Number, required: true },
  },
  { collection: 'finding_list_cell_packs', versionKey: false },
);
findingListCellPackSchema.index({ businessUnitId: 1 });

export const FindingListCellPackModel = defineModel<FindingListCellPack>('FindingListCellPack', findingListCellPackSchema);

/** The driver's collection, without mongoose's casting or the driver's decryption pass (server/db/plain-connection.ts): the list reads a pack per request. */
export const findingListCellPackCollection = () => plainCollection<FindingListCellPack>('finding_list_cell_packs');
