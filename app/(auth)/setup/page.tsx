import type { Metadata } from 'next';
import Link from 'next/link';
import { AuthFrame } from '../../_components/brand-mark';
import { serverCaller } from '../../_lib/server-caller';
import { SetupForm } from './setup-form';
import '../../_components/ui.css';
import '../login/login.css';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Set up' };

/** First boot: the first administrator, made with the one-time setup token; closed once any account exists. */
export default async function SetupPage() {
  const { setupRequired } = await (await serverCaller()).setup.status();
  return (
    <AuthFrame>
      {setupRequired ? (
        <SetupForm />
      ) : (
        <section className="auth-card login-card" aria-labelledby="setup-title" data-testid="setup-done">
          <div className="login-step-header">
            <h1 id="setup-title">Vigil is set up</h1>
            <p>An account exists already, so the first-administrator set-up is closed. Sign in instead; administrators add further accounts under Settings.</p>
          </div>
          <Link href="/login" className="button ui-primary login-submit" data-testid="setup-login-link">
            Go to sign-in
          </Link>
        </section>
      )}
    </AuthFrame>
  );
}
