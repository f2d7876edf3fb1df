import { z } from 'zod';
import { FINDING_EXCEPTION_KINDS, FINDING_EXCEPTION_STATUSES } from '../../../models/finding-exception.model';

const person = z.object({ id: z.string(), email: z.string().nullable() });

export const exceptionOutput = z.object({
  id: z.string(),
  businessUnitId: z.string(),
  kind: z.enum(FINDING_EXCEPTION_KINDS),
  findingIds: z.array(z.string()),
  justification: z.string(),
  status: z.enum(FINDING_EXCEPTION_STATUSES),
  requestedBy: person,
  requestedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  decidedBy: person.nullable(),
  decidedAt: z.iso.datetime().nullable(),
  decisionNote: z.string().nullable(),
  endedBy: person.nullable(),
  endedAt: z.iso.datetime().nullable(),
});

export const exceptionIdInput = z.object({ id: z.string().trim().uuid() });

/** Approve and reject take an optional note for the record. */
export const exceptionDecisionInput = exceptionIdInput.extend({ note: z.string().trim().min(1).max(1000).optional() });
