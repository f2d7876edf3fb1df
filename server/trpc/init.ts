import { initTRPC, TRPCError } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { ZodError, z } from 'zod';
import { AppError, isAppError, type AppErrorCode } from '../errors/app-error';
import { CSRF_COOKIE, CSRF_HEADER, clearedSessionCookies } from '../auth/cookies';
import type { Permission } from '../auth/permissions';
import { hasPermission } from '../auth/principal';
import { equalSecrets } from '../auth/secret-token';
import type { Acting } from '../services/auth/acting-principal';
import { recordAudit } from '../services/audit/record-audit';
import type { TrpcContext } from './context';

const TRPC_CODE_OF: Record<AppErrorCode, TRPCError['code']> = {
  BAD_INPUT: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  CONFIG_INVALID: 'INTERNAL_SERVER_ERROR',
  DB_UNREACHABLE: 'SERVICE_UNAVAILABLE',
  DB_START_FAILED: 'INTERNAL_SERVER_ERROR',
  MASTER_KEY_MISSING: 'INTERNAL_SERVER_ERROR',
  MASTER_KEY_INVALID: 'INTERNAL_SERVER_ERROR',
  MASTER_KEY_MISMATCH: 'INTERNAL_SERVER_ERROR',
  TLS_INVALID: 'INTERNAL_SERVER_ERROR',
  VERIFICATION_FAILED: 'BAD_REQUEST',
  UNAUTHENTICATED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  REAUTH_REQUIRED: 'FORBIDDEN',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
};

// OpenApiMeta: procedures may carry `.meta({ openapi: … })`, which serves them under /api/v1 (REST).
const t = initTRPC.context<TrpcContext>().meta<OpenApiMeta>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      // Internal errors never leak their text to the browser; domain errors are meant to be read.
      message: error.code === 'INTERNAL_SERVER_ERROR' && !isAppError(cause) ? 'Internal error' : shape.message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        appCode: isAppError(cause) ? cause.code : null,
        fieldErrors: cause instanceof ZodError ? z.flattenError(cause).fieldErrors : null,
      },
    };
  },
});

/** Turns domain errors thrown by services into tRPC errors with the matching code. */
const mapDomainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isAppError(result.error.cause)) {
    const cause = result.error.cause;
    throw new TRPCError({ code: TRPC_CODE_OF[cause.code], message: cause.message, cause });
  }
  return result;
});

/**
 * Cross-site request forgery: a state-changing call riding on the session cookie must echo the
 * session's CSRF token in a header (which another site cannot read or set). Bearer tokens are
 * not sent by browsers on their own, so they need no such proof. A foreign Origin is refused outright.
 */
function checkCsrf(ctx: TrpcContext, type: string): void {
  if (type !== 'mutation') return;
  const origin = ctx.headers.get('origin');
  const host = ctx.headers.get('host');
  if (origin && host && new URL(origin).host !== host) throw new TRPCError({ code: 'FORBIDDEN', message: 'cross-site request refused' });
  const session = ctx.auth.session ?? ctx.auth.pendingSession?.session;
  if (!session) return;
  const presented = ctx.headers.get(CSRF_HEADER) ?? '';
  if (!equalSecrets(presented, session.csrfToken)) throw new TRPCError({ code: 'FORBIDDEN', message: `missing or wrong CSRF token (send the ${CSRF_COOKIE} cookie's value in the ${CSRF_HEADER} header)` });
}

/** Refused credentials leave an audit entry and a clear message; the stale cookie is cleared. */
export async function rejectUnauthenticated(ctx: TrpcContext): Promise<never> {
  const rejection = ctx.auth.rejection;
  if (rejection) {
    await recordAudit({
      actor: { type: 'anonymous' },
      action: rejection.kind === 'token' ? 'auth.token_rejected' : 'auth.session_rejected',
      ip: ctx.meta.ip,
      outcome: 'failure',
      reason: rejection.reason,
    });
    if (rejection.kind === 'session') ctx.setCookies(clearedSessionCookies());
  }
  throw new TRPCError({ code: 'UNAUTHORIZED', message: rejection ? rejection.reason : 'sign in first' });
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(mapDomainErrors).use(({ ctx, type, next }) => {
  checkCsrf(ctx, type);
  return next();
});

/** A signed-in caller (session or API token). */
export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const principal = ctx.auth.principal ?? (await rejectUnauthenticated(ctx));
  return next({ ctx: { principal, acting: { principal } as Acting } });
});

/** A signed-in caller whose role grants `permission`. */
export function permittedProcedure(permission: Permission) {
  return authedProcedure.use(({ ctx, next }) => {
    if (!hasPermission(ctx.principal, permission)) throw new AppError('FORBIDDEN', `your role does not allow this (${permission})`);
    return next();
  });
}

/** How recently a user must have proved their password (or TOTP) for sensitive changes. */
export const REAUTH_WINDOW_MS = 10 * 60_000;

/**
 * Sensitive changes (password, MFA, API tokens): an interactive session whose user proved
 * who they are within the last minutes. API tokens cannot make them.
 */
export const sensitiveProcedure = authedProcedure.use(({ ctx, next }) => {
  const session = ctx.auth.session;
  if (!session) throw new AppError('FORBIDDEN', 'this change needs an interactive session; API tokens cannot make it');
  if (Date.now() - session.reauthenticatedAt.getTime() > REAUTH_WINDOW_MS) {
    throw new AppError('REAUTH_REQUIRED', 'confirm your password first: this change needs a recent sign-in');
  }
  return next({ ctx: { session } });
});

/** A session halfway through sign-in (TOTP or MFA enrolment due), or an active one. */
export const signingInProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const pending = ctx.auth.pendingSession ?? (await rejectUnauthenticated(ctx));
  return next({ ctx: { pending } });
});
