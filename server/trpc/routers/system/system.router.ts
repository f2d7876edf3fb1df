import { router } from '../../init';
import { systemStatus } from './system-status.procedure';

export const systemRouter = router({ status: systemStatus });
