import { createCallerFactory, router } from './init';
import { systemRouter } from './routers/system/system.router';

export const appRouter = router({ system: systemRouter });

export type AppRouter = typeof appRouter;

/** Server-side caller for React Server Components and jobs: same procedures, no HTTP hop. */
export const createServerCaller = createCallerFactory(appRouter);
