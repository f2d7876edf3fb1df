import { z } from 'zod';
import { AUDIT_ACTOR_TYPES, AUDIT_OUTCOMES } from '../../../models/audit-entry.model';
import { AUDIT_MAX_PAGE_SIZE, AUDIT_SORTS, listAuditEntries } from '../../../services/audit/list-audit-entries';
import { scopeOfActing } from '../../../services/auth/acting-principal';
import { permittedProcedure } from '../../init';

/** Flat, so every filter is a query parameter of GET /api/v1/audit. */
export const auditListInput = z
  .object({
    /** An action ('auth.login') or a dotted prefix ('auth'). */
    action: z.string().trim().min(1).max(100).optional(),
    /** Part of the actor's e-mail address, any case. */
    actorEmail: z.string().trim().min(1).max(254).optional(),
    outcome: z.enum(AUDIT_OUTCOMES).optional(),
    targetType: z.string().trim().min(1).max(64).optional(),
    /** Inclusive, ISO 8601. */
    from: z.coerce.date().meta({ description: 'entries at or after this time (ISO 8601)' }).optional(),
    to: z.coerce.date().meta({ description: 'entries at or before this time (ISO 8601)' }).optional(),
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(AUDIT_MAX_PAGE_SIZE).default(50),
    sortBy: z.enum(AUDIT_SORTS).default('seq'),
    sortDirection: z.enum(['asc', 'desc']).default('desc'),
  })
  .default({ page: 1, pageSize: 50, sortBy: 'seq', sortDirection: 'desc' });

const auditEntryOutput = z.object({
  id: z.string(),
  seq: z.number().int(),
  /** ISO 8601. */
  at: z.iso.datetime(),
  actor: z.object({ type: z.enum(AUDIT_ACTOR_TYPES), id: z.string().nullable(), email: z.string().nullable() }),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string().nullable(), label: z.string().nullable() }).nullable(),
  ip: z.string().nullable(),
  outcome: z.enum(AUDIT_OUTCOMES),
  reason: z.string().nullable(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).nullable(),
  businessUnitId: z.string(),
  /** The hash chain: each entry carries the previous entry's hash. */
  prevHash: z.string(),
  hash: z.string(),
});

export const auditListOutput = z.object({ items: z.array(auditEntryOutput), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

export const auditList = permittedProcedure('audit:read')
  .meta({ openapi: { method: 'GET', path: '/audit', tags: ['audit'], protect: true, summary: 'Audit log entries of your business units: filtered, sorted, paged' } })
  .input(auditListInput)
  .output(auditListOutput)
  .query(({ ctx, input: { page, pageSize, sortBy, sortDirection, ...filter } }) =>
    listAuditEntries({ scope: scopeOfActing(ctx.acting), filter, page, pageSize, sort: { by: sortBy, direction: sortDirection } }),
  );
