import { router } from '../../init';
import { setupComplete } from './setup-complete.procedure';
import { setupStatus } from './setup-status.procedure';

export const setupRouter = router({ status: setupStatus, complete: setupComplete });
