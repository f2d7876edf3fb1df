import { z } from 'zod';
import { AppError } from '../errors/app-error';
import type { InventoryProblem } from './inventory-script';
import { inventoryPackageSchema, inventorySchema, MAX_INVENTORY_PACKAGES, type Inventory, type InventoryPackage } from './inventory.schema';

/**
 * Validates an inventory document. The envelope (host, os) must be right; each package is
 * checked on its own, so one bad entry is reported by index and the rest are still used.
 */
export function readInventory(document: unknown, origin: string): { inventory: Inventory; problems: InventoryProblem[] } {
  const envelope = inventorySchema.omit({ packages: true }).extend({ packages: z.array(z.unknown()).max(MAX_INVENTORY_PACKAGES) }).safeParse(document);
  if (!envelope.success) {
    const issues = envelope.error.issues.map((issue) => `${issue.path.join('.') || 'document'}: ${issue.message}`).join('; ');
    throw new AppError('BAD_INPUT', `${origin}: not an inventory (${issues})`);
  }
  const problems: InventoryProblem[] = [];
  const packages: InventoryPackage[] = [];
  envelope.data.packages.forEach((raw, index) => {
    const parsed = inventoryPackageSchema.safeParse(raw);
    if (parsed.success) packages.push(parsed.data);
    else problems.push({ at: `packages[${index}]`, message: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'entry'}: ${issue.message}`).join('; ') });
  });
  return { inventory: { ...envelope.data, packages }, problems };
}

export function parseInventoryJson(text: string, origin: string): { inventory: Inventory; problems: InventoryProblem[] } {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new AppError('BAD_INPUT', `${origin}: not valid JSON (${(error as Error).message})`);
  }
  return readInventory(document, origin);
}
