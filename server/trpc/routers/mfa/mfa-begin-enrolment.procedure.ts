import { z } from 'zod';
import { beginMfaEnrolment } from '../../../services/mfa/begin-mfa-enrolment';
import { enrolmentProcedure } from './mfa-enrolment-procedure';

export const mfaBeginEnrolmentOutput = z.object({
  /** `otpauth://totp/…`, what the QR code holds; returned only here, before the code is confirmed. */
  otpauthUri: z.string(),
  /** The QR code as `data:image/svg+xml;base64,…`. */
  qrCodeDataUrl: z.string(),
  /** The secret in groups of four, for apps that cannot scan. */
  manualEntryKey: z.string(),
});

/** Makes a new TOTP secret (stored encrypted, pending until `mfa.confirmEnrolment`). */
export const mfaBeginEnrolment = enrolmentProcedure
  .meta({ openapi: { method: 'POST', path: '/account/mfa/enrolment', tags: ['account'], protect: true, summary: 'Start setting up TOTP: a new secret as QR code (needs a recent sign-in, or a sign-in that must enrol)' } })
  .input(z.void())
  .output(mfaBeginEnrolmentOutput)
  .mutation(({ ctx }) => beginMfaEnrolment({ userId: ctx.enrolment.userId, encryption: ctx.runtime.encryption, meta: ctx.meta }));
