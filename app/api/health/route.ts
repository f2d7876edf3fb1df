import { readPackageVersion } from '../../../server/runtime/project-root';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const startedAt = Date.now();

/** Liveness: the process answers. Says nothing about the database (that is /api/ready). */
export function GET(): Response {
  return Response.json({ status: 'ok', version: readPackageVersion(), uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) });
}
