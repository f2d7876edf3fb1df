import { scopeFilter, type Scope } from '../../auth/scope';
import { UserModel } from '../../models/user.model';

export const TICKET_ASSIGNEES_LIMIT = 500;

export interface TicketAssignee {
  id: string;
  email: string;
  name: string;
  businessUnitId: string;
}

/**
 * The people a ticket of the caller's units can be given to: enabled users of those units, by e-mail (name and unit
 * only; users:read stays what lists accounts). Its transport asks for findings:remediate, the permission that
 * assigns tickets. createTicket/updateTicket still check that the one chosen sees the ticket's unit.
 */
export async function listTicketAssignees(options: { scope: Scope }): Promise<TicketAssignee[]> {
  const users = await UserModel.find({ ...scopeFilter(options.scope), disabled: false }, { email: 1, name: 1, businessUnitId: 1 })
    .sort({ email: 1 })
    .limit(TICKET_ASSIGNEES_LIMIT)
    .lean();
  return users.map((user) => ({ id: String(user._id), email: user.email, name: user.name, businessUnitId: user.businessUnitId }));
}
