import type { ReactNode } from 'react';
import packageJson from '../../package.json';
import { Sidebar } from '../_components/sidebar';
import { TopBar } from '../_components/top-bar';
import { currentUser } from '../_lib/server-caller';
import '../_components/ui.css';

export const dynamic = 'force-dynamic';

/** The signed-in console: who is signed in decides what the sidebar offers. Signed out: to /login. */
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const me = await currentUser();
  if (me.error) {
    return (
      <main className="content" id="content">
        <div className="alert alert-error" role="alert" data-testid="me-error">
          <div className="alert-title">
            The console could not tell who is signed in.<code className="alert-code">{me.error.code}</code>
          </div>
          <p className="alert-message">{me.error.message}</p>
        </div>
      </main>
    );
  }
  const { user, permissions } = me.data;
  return (
    <div className="shell">
      <Sidebar version={packageJson.version} permissions={permissions} />
      <div className="workspace">
        <TopBar user={{ name: user.name, email: user.email, role: user.role }} />
        <main className="content" id="content">
          {children}
        </main>
      </div>
    </div>
  );
}
