import { Schema } from 'mongoose';
import type { InventoryOs, InventoryService } from '../inventory/inventory.schema';
import { defineModel } from './define-model';

/**
 * A host's latest inventory, kept for continuous re-evaluation (README "Detection — re-evaluation"). One document
 * per asset (`_id` = assetKey). Packages are stored compactly as one text of tab-separated lines
 * (`name version source sourceVersion arch ecosystem`, empty fields for absent values): 100k packages stay far
 * below the 16 MB document limit (~6 MB), where an array of sub-documents would not. `packageKeys` holds the KB
 * lookup keys of the packages and services (`deb:openssl`, `cpe:openbsd:openssh`), indexed on MongoDB: a KB change finds the
 * inventories it touches without reading packages.
 */
export interface StoredInventory {
  _id: string;
  assetKey: string;
  businessUnitId: string | null;
  host: string;
  os: InventoryOs;
  kernel: string | null;
  packagesText: string;
  packageCount: number;
  services: InventoryService[];
  packageKeys: string[];
  updatedAt: Date;
}

const inventorySchema = new Schema<StoredInventory>(
  {
    _id: { type: String, required: true },
    assetKey: { type: String, required: true },
    businessUnitId: { type: String, default: null },
    host: { type: String, required: true },
    os: { type: Schema.Types.Mixed, required: true },
    kernel: { type: String, default: null },
    packagesText: { type: String, default: '' },
    packageCount: { type: Number, default: 0 },
    services: { type: Schema.Types.Mixed, default: [] },
    packageKeys: { type: [String], default: [] },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'inventories', versionKey: false, minimize: false },
);
inventorySchema.index({ businessUnitId: 1 });

export const InventoryModel = defineModel<StoredInventory>('Inventory', inventorySchema);
