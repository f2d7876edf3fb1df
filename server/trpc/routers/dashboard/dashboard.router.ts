import { router } from '../../init';
import { dashboardOverview } from './dashboard-overview.procedure';

export const dashboardRouter = router({ overview: dashboardOverview });
