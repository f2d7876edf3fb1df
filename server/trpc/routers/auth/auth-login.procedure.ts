import { z } from 'zod';
import { sessionCookies } from '../../../auth/cookies';
import { loginWithPassword } from '../../../services/auth/login-with-password';
import { emailSchema, passwordSchema } from '../../../services/users/user-input';
import { publicProcedure } from '../../init';
import { signInStepOutput } from './auth-schemas';

export const authLoginInput = z.object({ email: emailSchema, password: passwordSchema });

/** Password sign-in; sets the session cookie. `state` tells whether a TOTP step follows. */
export const authLogin = publicProcedure
  .meta({ openapi: { method: 'POST', path: '/auth/login', tags: ['auth'], protect: false, summary: 'Sign in with e-mail and password; sets the session and CSRF cookies' } })
  .input(authLoginInput)
  .output(signInStepOutput)
  .mutation(async ({ ctx, input }) => {
    const result = await loginWithPassword({ ...input, meta: ctx.meta, sessionConfig: ctx.runtime.config.session });
    ctx.setCookies(sessionCookies({ token: result.token, csrfToken: result.session.csrfToken, absoluteExpiresAt: result.session.absoluteExpiresAt }));
    return {
      state: result.state,
      user: result.user,
      csrfToken: result.session.csrfToken,
      expiresAt: result.session.absoluteExpiresAt,
    };
  });
