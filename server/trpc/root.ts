import { createCallerFactory, router } from './init';
import { authRouter } from './routers/auth/auth.router';
import { kbRouter } from './routers/kb/kb.router';
import { systemRouter } from './routers/system/system.router';

export const appRouter = router({ auth: authRouter, system: systemRouter, kb: kbRouter });

export type AppRouter = typeof appRouter;

/** Server-side caller for React Server Components and jobs: same procedures, no HTTP hop. */
export const createServerCaller = createCallerFactory(appRouter);
