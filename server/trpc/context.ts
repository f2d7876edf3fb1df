import { randomUUID } from 'node:crypto';
import { requestMetaOf, type RequestMeta } from '../auth/request-meta';
import type { Scope } from '../auth/scope';
import { getConsoleRuntime } from '../runtime/console-runtime';
import type { Runtime } from '../runtime/runtime';
import { authenticateRequest, type RequestAuth } from '../services/auth/authenticate-request';

export interface TrpcContext {
  runtime: Runtime;
  requestId: string;
  meta: RequestMeta;
  headers: Headers;
  auth: RequestAuth;
  /** The caller's business units; procedures that need a principal get it from `auth`. */
  scope: Scope;
  /** Adds a Set-Cookie header to the response (no-op for server-side callers). */
  setCookies(values: string[]): void;
}

const NO_UNITS: Scope = { kind: 'units', businessUnitIds: [] };

export async function createTrpcContext(options: { headers: Headers; resHeaders?: Headers }): Promise<TrpcContext> {
  const runtime = await getConsoleRuntime();
  const auth = await authenticateRequest({ headers: options.headers, sessionConfig: runtime.config.session });
  return {
    runtime,
    requestId: options.headers.get('x-request-id') ?? randomUUID(),
    meta: requestMetaOf(options.headers),
    headers: options.headers,
    auth,
    scope: auth.principal?.scope ?? NO_UNITS,
    setCookies: (values) => {
      for (const value of values) options.resHeaders?.append('set-cookie', value);
    },
  };
}
