import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../../server/trpc/root';

export type DashboardOverviewData = inferRouterOutputs<AppRouter>['dashboard']['overview'];
export type TrendPoint = DashboardOverviewData['trend'][number];
