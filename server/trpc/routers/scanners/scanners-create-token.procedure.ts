import { z } from 'zod';
import { consoleTlsMaterial } from '../../../crypto/internal-ca';
import { actorOfActing, requirePermission } from '../../../services/auth/acting-principal';
import { consoleCertificatePin } from '../../../services/scanner-nodes/console-certificate-pin';
import { createEnrollmentToken } from '../../../services/scanner-nodes/create-enrollment-token';
import { sensitiveProcedure } from '../../init';

export const scannersCreateTokenInput = z.object({
  name: z.string().trim().min(1, { message: 'is required' }).max(128),
  /** How long the token stays usable: 1 hour to 30 days; default one day. */
  ttlHours: z.number().int().min(1).max(720).default(24),
});

export const scannersCreateTokenOutput = z.object({
  /** Shown this once; only its hash is stored. It pins the console's certificate. */
  token: z.string(),
  name: z.string(),
  expiresAt: z.date(),
});

/**
 * A sensitive change, like an API token: an enrolled node receives scan jobs and the credentials they use,
 * so only an interactive session that signed in recently may let one in.
 */
export const scannersCreateToken = sensitiveProcedure
  .meta({ openapi: { method: 'POST', path: '/scanners/tokens', tags: ['scanners'], protect: true, summary: 'Create a one-time scanner enrolment token (returned once; needs a recent interactive sign-in)' } })
  .use(({ ctx, next }) => {
    requirePermission(ctx.acting, 'scanners:manage');
    return next();
  })
  .input(scannersCreateTokenInput)
  .output(scannersCreateTokenOutput)
  .mutation(async ({ ctx, input }) => {
    // The pin is of the certificate this console serves: the operator's own (VIGIL_TLS_*) or the internal CA, as `vigil start` loads it.
    const { config } = ctx.runtime;
    const tls = await consoleTlsMaterial(config);
    const created = await createEnrollmentToken({ name: input.name, ttlHours: input.ttlHours, pin: consoleCertificatePin(tls), actor: actorOfActing(ctx.acting), ip: ctx.meta.ip });
    return { token: created.token, name: created.name, expiresAt: created.expiresAt };
  });
