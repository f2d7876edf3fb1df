import type { RequestMeta } from '../../auth/request-meta';
import { SessionModel } from '../../models/session.model';
import { recordAudit } from '../audit/record-audit';

/** Ends the caller's session on the server; the cookie alone is worthless afterwards. */
export async function logout(options: { sessionId: string; user: { id: string; email: string; businessUnitId: string }; meta: RequestMeta }): Promise<void> {
  await SessionModel.deleteOne({ _id: options.sessionId });
  await recordAudit({
    actor: { type: 'user', id: options.user.id, email: options.user.email },
    action: 'auth.logout',
    target: { type: 'session', id: options.sessionId },
    ip: options.meta.ip,
    outcome: 'success',
    businessUnitId: options.user.businessUnitId,
  });
}
