import { Schema } from 'mongoose';
import { defineModel } from './define-model';

/**
 * A node of the business-unit tree. `ancestors` (root first) lets "this unit and everything
 * below it" be one indexed query, without $graphLookup (outside the FerretDB subset).
 */
export interface BusinessUnit {
  _id: string;
  name: string;
  parentId: string | null;
  ancestors: string[];
  description: string;
  createdAt: Date;
  updatedAt: Date;
}

const businessUnitSchema = new Schema<BusinessUnit>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    parentId: { type: String, default: null },
    ancestors: { type: [String], default: [] },
    description: { type: String, default: '' },
  },
  { collection: 'business_units', timestamps: true, versionKey: false },
);
businessUnitSchema.index({ ancestors: 1 });
businessUnitSchema.index({ parentId: 1, name: 1 }, { unique: true });

export const BusinessUnitModel = defineModel<BusinessUnit>('BusinessUnit', businessUnitSchema);
