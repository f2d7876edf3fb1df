import { TRPCError } from '@trpc/server';
import { isAppError } from '../../../server/errors/app-error';
import type { KbError } from './kb-types';

/** What the browser may be told about a failure of a server-side call: domain messages only. */
export function describeKbError(error: unknown, what: string): KbError {
  const appError = isAppError(error) ? error : error instanceof TRPCError && isAppError(error.cause) ? error.cause : null;
  if (appError) return { code: appError.code, message: appError.message };
  if (error instanceof TRPCError && error.code === 'BAD_REQUEST') return { code: 'BAD_INPUT', message: 'The request is not valid.' };
  console.error(`kb: ${what} failed: ${error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error)}`);
  return { code: 'INTERNAL', message: 'Internal error — see the console log for details.' };
}

/** The code of a failure, whether a domain error or its tRPC wrapping. */
export function appCodeOf(error: unknown): string | null {
  if (isAppError(error)) return error.code;
  if (error instanceof TRPCError) return isAppError(error.cause) ? error.cause.code : error.code;
  return null;
}
