import { router } from '../../init';
import { deploymentReport } from './deployment-report.procedure';
import { deploymentStatus } from './deployment-status.procedure';

export const deploymentRouter = router({ report: deploymentReport, status: deploymentStatus });
