import { z } from 'zod';
import { scopeOfActing } from '../../../services/auth/acting-principal';
import { getDashboardOverview } from '../../../services/dashboard/dashboard-overview';
import { KB_SEVERITIES } from '../../../services/kb/search-kb';
import { permittedProcedure } from '../../init';

const count = z.number().int().nonnegative();
const severityCounts = z.object({ critical: z.number().int(), high: z.number().int(), medium: z.number().int(), low: z.number().int(), none: z.number().int(), unknown: z.number().int(), total: z.number().int() });

export const dashboardOverviewOutput = z.object({
  generatedAt: z.string(),
  severity: severityCounts,
  trend: z.array(
    z.object({ day: z.string(), open: severityCounts, kevOpen: z.number().int(), new: count, fixed: count, reopened: count, remediated: count, remediationHours: z.number().nonnegative(), slaBreached: count }),
  ),
  kev: z.object({ openFindings: z.number().int(), assetsAffected: count }),
  sla: z.object({ breached: count }),
  meanTimeToRemediateHours: z.number().nonnegative().nullable(),
  topAssets: z.array(z.object({ id: z.string(), name: z.string(), businessUnitId: z.string(), riskMax: z.number(), riskTotal: z.number(), openFindings: count })),
  topVulnerabilities: z.array(z.object({ vulnId: z.string(), title: z.string().nullable(), severity: z.enum(KB_SEVERITIES), kev: z.boolean(), openFindings: z.number().int() })),
});

/** The dashboard of your business units: severities, 90-day trends, KEV, SLA, riskiest assets and vulnerabilities. */
export const dashboardOverview = permittedProcedure('findings:read')
  .meta({ openapi: { method: 'GET', path: '/dashboard', tags: ['dashboard'], protect: true, summary: 'Dashboard of your business units: open findings, 90-day trends, KEV, SLA, top assets and vulnerabilities' } })
  .input(z.void())
  .output(dashboardOverviewOutput)
  .query(({ ctx }) => getDashboardOverview({ scope: scopeOfActing(ctx.acting) }));
