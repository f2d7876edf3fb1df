import { router } from '../../init';
import { sessionsEnd } from './sessions-end.procedure';
import { sessionsEndOthers } from './sessions-end-others.procedure';
import { sessionsList } from './sessions-list.procedure';

export const sessionsRouter = router({ list: sessionsList, end: sessionsEnd, endOthers: sessionsEndOthers });
