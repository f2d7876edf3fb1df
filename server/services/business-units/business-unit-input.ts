import { z } from 'zod';

export const businessUnitInput = z.object({
  name: z.string().trim().min(1, { message: 'is required' }).max(120),
  parentId: z.string().min(1).max(64),
  description: z.string().trim().max(500).default(''),
});
export type BusinessUnitInput = z.input<typeof businessUnitInput>;

export const updateBusinessUnitInput = businessUnitInput.partial();
export type UpdateBusinessUnitInput = z.input<typeof updateBusinessUnitInput>;
