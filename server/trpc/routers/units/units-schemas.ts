import { z } from 'zod';

export const unitOutput = z.object({
  id: z.string(),
  name: z.string(),
  parentId: z.string().nullable(),
  /** Root first. */
  ancestors: z.array(z.string()),
  description: z.string(),
  createdAt: z.date(),
});

export const unitIdInput = z.object({ id: z.string().trim().min(1).max(64) });
