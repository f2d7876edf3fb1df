import { router } from '../../init';
import { exceptionsApprove } from './exceptions-approve.procedure';
import { exceptionsList } from './exceptions-list.procedure';
import { exceptionsReject } from './exceptions-reject.procedure';
import { exceptionsRequest } from './exceptions-request.procedure';
import { exceptionsRevoke } from './exceptions-revoke.procedure';

export const exceptionsRouter = router({ request: exceptionsRequest, approve: exceptionsApprove, reject: exceptionsReject, revoke: exceptionsRevoke, list: exceptionsList });
