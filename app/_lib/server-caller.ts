import 'server-only';
import { TRPCError } from '@trpc/server';
import type { Serialize } from '@trpc/server/unstable-core-do-not-import';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { isAppError } from '../../server/errors/app-error';
import { createTrpcContext, type TrpcContext } from '../../server/trpc/context';
import { createServerCaller } from '../../server/trpc/root';
import { PATH_HEADER, loginHref } from './next-path';

/** One tRPC context per request (one session look-up), shared by the layout and the page. */
export const requestContext = cache(async (): Promise<TrpcContext> => createTrpcContext({ headers: await headers() }));

export async function serverCaller() {
  return createServerCaller(await requestContext());
}

/** The page the browser asked for, as the middleware saw it. */
export async function requestedPath(): Promise<string> {
  return (await headers()).get(PATH_HEADER) ?? '/';
}

/** The domain error code of a failure (AppError, or its tRPC wrapping), else the tRPC code. */
export function errorCodeOf(error: unknown): string | null {
  if (isAppError(error)) return error.code;
  if (error instanceof TRPCError) return isAppError(error.cause) ? error.cause.code : error.code;
  return null;
}

export function isSignedOut(error: unknown): boolean {
  const code = errorCodeOf(error);
  return code === 'UNAUTHORIZED' || code === 'UNAUTHENTICATED';
}

/** No (longer a) signed-in session: to the sign-in page, back here afterwards. */
export async function redirectToLogin(): Promise<never> {
  redirect(loginHref(await requestedPath()));
}

export interface PageError {
  code: string;
  message: string;
}

/** What the browser may be told about a failure of a server-side call: domain messages only. */
export function describePageError(error: unknown, what: string): PageError {
  const appError = isAppError(error) ? error : error instanceof TRPCError && isAppError(error.cause) ? error.cause : null;
  if (appError) return { code: appError.code, message: appError.message };
  if (error instanceof TRPCError && error.code === 'BAD_REQUEST') return { code: 'BAD_INPUT', message: 'The request is not valid.' };
  if (error instanceof TRPCError && error.code === 'FORBIDDEN') return { code: 'FORBIDDEN', message: error.message };
  console.error(`console: ${what} failed: ${error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error)}`);
  return { code: 'INTERNAL', message: 'Internal error — see the console log for details.' };
}

export type Loaded<T> = { data: T; error: null } | { data: null; error: PageError };

/** Runs a call; signed out: to the sign-in page; any other failure: a message for the page. */
async function attempt<T>(what: string, call: (caller: Awaited<ReturnType<typeof serverCaller>>) => Promise<T>): Promise<Loaded<T>> {
  let result: Loaded<T>;
  try {
    result = { data: await call(await serverCaller()), error: null };
  } catch (error) {
    if (isSignedOut(error)) return redirectToLogin();
    result = { data: null, error: describePageError(error, what) };
  }
  return result;
}

/** The signed-in user with their permissions (auth.me), once per request; signed out: to /login. */
export const currentUser = cache(() => attempt('current user', (caller) => caller.auth.me()));

export type CurrentUser = NonNullable<Awaited<ReturnType<typeof currentUser>>['data']>;

/**
 * Runs a server-side call for a page: a signed-out caller goes to the sign-in page (a session
 * that expired since the last click), any other failure becomes a message the page shows.
 * Without a principal only auth.me runs (once per request, so a refused cookie is audited once).
 */
export async function load<T>(what: string, call: (caller: Awaited<ReturnType<typeof serverCaller>>) => Promise<T>): Promise<Loaded<T>> {
  await requireSignedIn();
  return attempt(what, call);
}

/** Signed out (no cookie, or one the server refused): to the sign-in page, via the one auth.me call of the request. */
export async function requireSignedIn(): Promise<void> {
  if (!(await requestContext()).auth.principal) await currentUser();
}

/**
 * A value as the browser receives it from /api/trpc (JSON without a transformer: Dates become ISO
 * strings), so data rendered on the server and data refetched by the client have one shape.
 */
export function wire<T>(value: T): Serialize<T> {
  return JSON.parse(JSON.stringify(value)) as Serialize<T>;
}
