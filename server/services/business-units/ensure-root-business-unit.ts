import { ROOT_BUSINESS_UNIT_ID } from '../../auth/scope';
import { BusinessUnitModel } from '../../models/business-unit.model';
import { isDuplicateKeyError } from '../../db/duplicate-key';

/** The tree's root exists on every installation; records made before units existed belong to it. */
export async function ensureRootBusinessUnit(): Promise<void> {
  if (await BusinessUnitModel.exists({ _id: ROOT_BUSINESS_UNIT_ID })) return;
  try {
    await BusinessUnitModel.create({ _id: ROOT_BUSINESS_UNIT_ID, name: 'Organisation', parentId: null, ancestors: [], description: 'The whole organisation' });
  } catch (error) {
    // Another process created it first.
    if (!isDuplicateKeyError(error)) throw error;
  }
}
