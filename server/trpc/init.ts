import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError, z } from 'zod';
import { isAppError, type AppErrorCode } from '../errors/app-error';
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
  INTERNAL: 'INTERNAL_SERVER_ERROR',
};

const t = initTRPC.context<TrpcContext>().create({
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

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(mapDomainErrors);
