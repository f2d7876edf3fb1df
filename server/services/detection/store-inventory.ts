import { detect, type DetectionResult } from '../../detection/detect';
import type { DetectionProblem } from '../../detection/detection-types';
import type { Inventory } from '../../inventory/inventory.schema';
import type { DetectionChange } from '../../models/detection-result.model';
import { InventoryModel } from '../../models/inventory.model';
import { saveDetectionResult } from './detection-results';
import { toStoredInventory } from './stored-inventory';

/**
 * Stores an asset's latest inventory (replacing the previous one) and detects on it: what a scan calls when it has
 * collected an inventory. Returns the detection result and what changed against the asset's previous result.
 */
export async function storeInventoryAndDetect(input: { assetKey: string; businessUnitId?: string | null; inventory: Inventory; problems?: DetectionProblem[] }): Promise<{ result: DetectionResult; change: DetectionChange }> {
  const stored = toStoredInventory(input);
  await InventoryModel.replaceOne({ _id: stored._id }, stored, { upsert: true });
  const result = await detect({ inventory: input.inventory, ...(input.problems ? { problems: input.problems } : {}) });
  const change = await saveDetectionResult(stored._id, result, 'inventory', null);
  return { result, change };
}
