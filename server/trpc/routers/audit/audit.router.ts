import { router } from '../../init';
import { auditList } from './audit-list.procedure';

export const auditRouter = router({ list: auditList });
