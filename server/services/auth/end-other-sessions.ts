import type { Principal } from '../../auth/principal';
import type { RequestMeta } from '../../auth/request-meta';
import { recordAudit } from '../audit/record-audit';
import { actorOfActing } from './acting-principal';
import { endSessionsOfUser } from './end-sessions';

/** "Sign out everywhere else": ends every session of the caller but the one making the request. */
export async function endOtherSessions(options: { principal: Principal; currentSessionId?: string; meta: RequestMeta }): Promise<number> {
  const { principal } = options;
  const ended = await endSessionsOfUser({ userId: principal.userId, exceptSessionId: options.currentSessionId });
  await recordAudit({
    actor: actorOfActing({ principal }),
    action: 'session.end_others',
    target: { type: 'user', id: principal.userId, label: principal.email },
    ip: options.meta.ip,
    outcome: 'success',
    details: { ended },
    businessUnitId: principal.businessUnitId,
  });
  return ended;
}
