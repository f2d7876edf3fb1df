import { z } from 'zod';

const unitFields = {
  name: z.string().trim().min(1, { message: 'is required' }).max(120),
  parentId: z.string().min(1).max(64),
  description: z.string().trim().max(500),
};

export const businessUnitInput = z.object({ ...unitFields, description: unitFields.description.default('') });
export type BusinessUnitInput = z.input<typeof businessUnitInput>;

/** No defaults here: a field left out of an update keeps its value (a rename keeps the description). */
export const updateBusinessUnitInput = z.object(unitFields).partial();
export type UpdateBusinessUnitInput = z.input<typeof updateBusinessUnitInput>;
