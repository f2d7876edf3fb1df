import { randomUUID } from 'node:crypto';
import { SYSTEM_SCOPE, type Scope } from '../auth/scope';
import { getConsoleRuntime } from '../runtime/console-runtime';
import type { Runtime } from '../runtime/runtime';

export interface TrpcContext {
  runtime: Runtime;
  requestId: string;
  /**
   * Which business units the caller may see. Until accounts exist (identity issue) the console
   * has no callers to tell apart, and only non-secret system data is exposed through it.
   */
  scope: Scope;
}

export async function createTrpcContext(options: { headers: Headers }): Promise<TrpcContext> {
  const runtime = await getConsoleRuntime();
  return { runtime, requestId: options.headers.get('x-request-id') ?? randomUUID(), scope: SYSTEM_SCOPE };
}
