import { router } from '../../init';
import { tokensCreate } from './tokens-create.procedure';
import { tokensList } from './tokens-list.procedure';
import { tokensRevoke } from './tokens-revoke.procedure';

export const tokensRouter = router({ create: tokensCreate, list: tokensList, revoke: tokensRevoke });
