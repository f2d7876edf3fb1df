import { createCallerFactory, router } from './init';
import { authRouter } from './routers/auth/auth.router';
import { kbRouter } from './routers/kb/kb.router';
import { systemRouter } from './routers/system/system.router';
import { auditRouter } from './routers/audit/audit.router';
import { credentialsRouter } from './routers/credentials/credentials.router';
import { rolesRouter } from './routers/roles/roles.router';
import { sessionsRouter } from './routers/sessions/sessions.router';
import { ssoRouter } from './routers/sso/sso.router';
import { tokensRouter } from './routers/tokens/tokens.router';
import { unitsRouter } from './routers/units/units.router';
import { usersRouter } from './routers/users/users.router';
import { mfaRouter } from './routers/mfa/mfa.router';
import { accountRouter } from './routers/account/account.router';
import { settingsRouter } from './routers/settings/settings.router';
import { assetsRouter } from './routers/assets/assets.router';
import { findingsRouter } from './routers/findings/findings.router';
import { exceptionsRouter } from './routers/exceptions/exceptions.router';
import { scannersRouter } from './routers/scanners/scanners.router';
import { scansRouter } from './routers/scans/scans.router';
import { ticketsRouter } from './routers/tickets/tickets.router';
import { webhooksRouter } from './routers/webhooks/webhooks.router';
import { dashboardRouter } from './routers/dashboard/dashboard.router';
import { deploymentRouter } from './routers/deployment/deployment.router';
import { setupRouter } from './routers/setup/setup.router';

export const appRouter = router({ auth: authRouter, system: systemRouter, kb: kbRouter, sessions: sessionsRouter, tokens: tokensRouter, users: usersRouter, units: unitsRouter, credentials: credentialsRouter, audit: auditRouter, roles: rolesRouter, sso: ssoRouter, mfa: mfaRouter, account: accountRouter, settings: settingsRouter, assets: assetsRouter, findings: findingsRouter, exceptions: exceptionsRouter, scanners: scannersRouter, scans: scansRouter, tickets: ticketsRouter, webhooks: webhooksRouter, dashboard: dashboardRouter, deployment: deploymentRouter, setup: setupRouter });

export type AppRouter = typeof appRouter;

/** Server-side caller for React Server Components and jobs: same procedures, no HTTP hop. */
export const createServerCaller = createCallerFactory(appRouter);
