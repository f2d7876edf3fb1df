import { router } from '../../init';
import { mfaBeginEnrolment } from './mfa-begin-enrolment.procedure';
import { mfaConfirmEnrolment } from './mfa-confirm-enrolment.procedure';
import { mfaDisable } from './mfa-disable.procedure';
import { mfaRecover } from './mfa-recover.procedure';
import { mfaRegenerateRecoveryCodes } from './mfa-regenerate-recovery-codes.procedure';
import { mfaStatus } from './mfa-status.procedure';
import { mfaVerify } from './mfa-verify.procedure';

export const mfaRouter = router({
  status: mfaStatus,
  verify: mfaVerify,
  recover: mfaRecover,
  beginEnrolment: mfaBeginEnrolment,
  confirmEnrolment: mfaConfirmEnrolment,
  disable: mfaDisable,
  regenerateRecoveryCodes: mfaRegenerateRecoveryCodes,
});
