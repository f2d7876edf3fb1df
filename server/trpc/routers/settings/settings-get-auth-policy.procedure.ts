import { z } from 'zod';
import { getAuthPolicy } from '../../../services/mfa/auth-policy';
import { permittedProcedure } from '../../init';
import { authPolicyOutput } from './settings-schemas';

export const settingsGetAuthPolicy = permittedProcedure('settings:manage')
  .meta({ openapi: { method: 'GET', path: '/settings/auth-policy', tags: ['settings'], protect: true, summary: 'Who must use a second factor' } })
  .input(z.void())
  .output(authPolicyOutput)
  .query(({ ctx }) => getAuthPolicy({ acting: ctx.acting }));
