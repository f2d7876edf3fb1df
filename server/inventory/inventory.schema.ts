import { z } from 'zod';

/** The inventory file (SPEC.md §4): input of `vigil detect`, and what an authenticated scan produces. */
export const PACKAGE_ECOSYSTEMS = ['deb', 'rpm', 'apk', 'npm', 'pypi', 'maven', 'go', 'cargo', 'gem', 'nuget', 'composer'] as const;
export type PackageEcosystem = (typeof PACKAGE_ECOSYSTEMS)[number];

const text = (max: number) => z.string().max(max);

export const inventoryPackageSchema = z.object({
  name: text(256).min(1),
  version: text(256).min(1),
  source: text(256).min(1).optional(),
  sourceVersion: text(256).min(1).optional(),
  arch: text(64).optional(),
  ecosystem: z.enum(PACKAGE_ECOSYSTEMS),
});
export type InventoryPackage = z.infer<typeof inventoryPackageSchema>;

export const inventoryServiceSchema = z.object({
  port: z.number().int().min(1).max(65535),
  proto: z.enum(['tcp', 'udp']),
  product: text(256).optional(),
  version: text(256).optional(),
  cpe: text(512).optional(),
});
export type InventoryService = z.infer<typeof inventoryServiceSchema>;

export const inventoryOsSchema = z.object({
  /** Detection driver family: debian (also Ubuntu), alpine, rhel… */
  family: text(64).min(1),
  /** os-release ID: debian, ubuntu, alpine, rhel, rocky… */
  name: text(64).min(1),
  version: text(64),
  codename: text(64).optional(),
});

export const MAX_INVENTORY_PACKAGES = 200_000;

export const inventorySchema = z.object({
  host: text(253).min(1),
  os: inventoryOsSchema,
  kernel: text(256).optional(),
  packages: z.array(inventoryPackageSchema).max(MAX_INVENTORY_PACKAGES),
  services: z.array(inventoryServiceSchema).max(65_536 * 2).default([]),
});
export type Inventory = z.infer<typeof inventorySchema>;
export type InventoryOs = Inventory['os'];
