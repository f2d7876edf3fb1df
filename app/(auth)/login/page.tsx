import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthFrame } from '../../_components/brand-mark';
import { safeNextPath } from '../../_lib/next-path';
import { requestContext, serverCaller } from '../../_lib/server-caller';
import { LoginFlow, type LoginStart } from './login-flow';
import { ssoErrorMessage } from './sso-errors';
import '../../_components/ui.css';
import './login.css';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Sign in' };

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const next = safeNextPath(first(params.next));
  const ctx = await requestContext();
  // Already signed in (a bookmark of /login, the Back button): straight on.
  if (ctx.auth.principal && ctx.auth.session) redirect(next);
  const pending = ctx.auth.pendingSession;
  const start: LoginStart = pending
    ? { step: pending.session.state === 'mfa-enrolment' ? 'enrol' : 'totp', email: pending.user.email }
    : { step: 'password', email: '' };
  const rawError = first(params.error);
  // Only codes are echoed back; anything else in the parameter is not shown.
  const errorCode = rawError ? (/^[a-z_]{1,40}$/.test(rawError) ? rawError : 'sso_error') : null;
  const caller = await serverCaller();
  // Without providers (or when they cannot be read) the page offers the password form alone.
  const sso = await caller.sso.listPublic().catch((error: unknown) => {
    console.error(`console: sso.listPublic failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    return { items: [] };
  });
  // No account yet (first boot): the way in is /setup with the one-time token, which the page points to.
  const { setupRequired } = await caller.setup.status().catch((error: unknown) => {
    console.error(`console: setup.status failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    return { setupRequired: false };
  });
  const setup = setupRequired ? 'required' : first(params.setup) === 'done' ? 'done' : null;
  return (
    <AuthFrame>
      <LoginFlow start={start} next={next} ssoError={errorCode ? { code: errorCode, message: ssoErrorMessage(errorCode) } : null} ssoProviders={sso.items} setup={setup} />
    </AuthFrame>
  );
}
