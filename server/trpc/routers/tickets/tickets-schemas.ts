import { z } from 'zod';
import { TICKET_STATUSES } from '../../../models/remediation-ticket.model';

const person = z.object({ id: z.string(), email: z.string().nullable() });

export const ticketOutput = z.object({
  id: z.string(),
  businessUnitId: z.string(),
  title: z.string(),
  description: z.string(),
  findingIds: z.array(z.string()),
  assetIds: z.array(z.string()),
  assignee: person.nullable(),
  dueAt: z.iso.datetime().nullable(),
  status: z.enum(TICKET_STATUSES),
  comments: z.array(z.object({ at: z.iso.datetime(), by: person, text: z.string() })),
  verification: z.object({ at: z.iso.datetime(), runId: z.string().nullable(), remaining: z.array(z.string()) }).nullable(),
  createdBy: person,
  version: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const ticketIdInput = z.object({ id: z.string().trim().uuid() });
export const ticketTitle = z.string().trim().min(3).max(200);
export const ticketDescription = z.string().trim().max(5000);
export const userIdInput = z.string().trim().min(1).max(64);
