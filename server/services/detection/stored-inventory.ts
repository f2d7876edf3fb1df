import { planDetection } from '../../detection/detect';
import type { Inventory, InventoryPackage } from '../../inventory/inventory.schema';
import type { StoredInventory } from '../../models/inventory.model';

/** Packages ⇄ the compact text of StoredInventory.packagesText (tab-separated fields, one package a line). */
const clean = (value: string | undefined) => (value ?? '').replace(/[\t\n]/g, ' ');

export function encodePackages(packages: InventoryPackage[]): string {
  return packages.map((p) => [p.name, p.version, p.source, p.sourceVersion, p.arch, p.ecosystem].map(clean).join('\t')).join('\n');
}

export function decodePackages(text: string): InventoryPackage[] {
  if (!text) return [];
  return text.split('\n').map((line) => {
    const [name = '', version = '', source, sourceVersion, arch, ecosystem] = line.split('\t');
    return { name, version, ...(source ? { source } : {}), ...(sourceVersion ? { sourceVersion } : {}), ...(arch ? { arch } : {}), ecosystem: ecosystem as InventoryPackage['ecosystem'] };
  });
}

export function toStoredInventory(input: { assetKey: string; businessUnitId?: string | null; inventory: Inventory }): StoredInventory {
  const { inventory } = input;
  return {
    _id: input.assetKey,
    assetKey: input.assetKey,
    businessUnitId: input.businessUnitId ?? null,
    host: inventory.host,
    os: inventory.os,
    kernel: inventory.kernel ?? null,
    packagesText: encodePackages(inventory.packages),
    packageCount: inventory.packages.length,
    services: inventory.services,
    packageKeys: planDetection(inventory).keys,
    updatedAt: new Date(),
  };
}

export function inventoryOf(stored: Pick<StoredInventory, 'host' | 'os' | 'kernel' | 'packagesText' | 'services'>): Inventory {
  return { host: stored.host, os: stored.os, ...(stored.kernel ? { kernel: stored.kernel } : {}), packages: decodePackages(stored.packagesText), services: stored.services ?? [] };
}
