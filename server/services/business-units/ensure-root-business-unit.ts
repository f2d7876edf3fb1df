import { ROOT_BUSINESS_UNIT_ID } from '../../auth/scope';
import { BusinessUnitModel } from '../../models/business-unit.model';

/** The tree's root exists on every installation; records made before units existed belong to it. */
export async function ensureRootBusinessUnit(): Promise<void> {
  await BusinessUnitModel.updateOne(
    { _id: ROOT_BUSINESS_UNIT_ID },
    { $setOnInsert: { name: 'Organisation', parentId: null, ancestors: [], description: 'The whole organisation' } },
    { upsert: true, timestamps: true },
  );
}
