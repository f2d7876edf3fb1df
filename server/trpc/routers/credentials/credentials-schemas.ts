import { z } from 'zod';
import { CREDENTIAL_TYPES } from '../../../models/credential.model';

/** Metadata only: no secret, not even encrypted. Times are ISO 8601 strings (as the vault returns them). */
export const credentialOutput = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(CREDENTIAL_TYPES),
  username: z.string(),
  sudo: z.boolean(),
  hasPassphrase: z.boolean(),
  hasSudoPassword: z.boolean(),
  businessUnitId: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  rotatedAt: z.iso.datetime().nullable(),
});
