import { checkReadiness } from '../../../server/services/system/check-readiness';
import { getConsoleRuntime } from '../../../server/runtime/console-runtime';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Readiness for load balancers: 200 only when the database answers and encryption works. */
export async function GET(): Promise<Response> {
  try {
    const readiness = await checkReadiness({ runtime: await getConsoleRuntime() });
    return Response.json(readiness, { status: readiness.ready ? 200 : 503 });
  } catch (error) {
    return Response.json({ ready: false, checks: { runtime: { ok: false, error: (error as Error).message } } }, { status: 503 });
  }
}
