'use client';

import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useTRPC } from '../_trpc/client';
import { pageHeading } from './navigation';

export interface TopBarUser {
  name: string;
  email: string;
  role: string;
}

function SignOut() {
  const trpc = useTRPC();
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      // Signed out either way: a session that already ended cannot be ended again.
      onSettled: () => window.location.assign('/login'),
    }),
  );
  return (
    <button type="button" className="button topbar-signout" onClick={() => logout.mutate()} disabled={logout.isPending} data-testid="sign-out">
      <svg className="button-icon" viewBox="0 0 24 24" width="14" height="14" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
        <path d="M14 4.5H5.5v15H14M10 12h10M16.5 8.5 20 12l-3.5 3.5" />
      </svg>
      {logout.isPending ? 'Signing out…' : 'Sign out'}
    </button>
  );
}

export function TopBar({ user }: { user: TopBarUser }) {
  const heading = pageHeading(usePathname());
  const title = heading?.label ?? 'Not found';
  return (
    <header className="topbar" data-testid="top-bar">
      <div className="topbar-title">
        <span className="topbar-crumb">Vigil</span>
        <span className="topbar-sep" aria-hidden="true">
          /
        </span>
        <h1 data-testid="page-title">{title}</h1>
      </div>
      {heading ? <p className="topbar-description">{heading.description}</p> : null}
      <div className="topbar-user" data-testid="current-user">
        <Link href="/account" className="topbar-account" title="Your account: password, second factor, sessions, API tokens" data-testid="account-link">
          <span className="topbar-avatar" aria-hidden="true">
            {(user.name || user.email).slice(0, 1).toUpperCase()}
          </span>
          <span className="topbar-who">
            <span className="topbar-name" data-testid="current-user-name">
              {user.name || user.email}
            </span>
            <span className="topbar-meta">
              {user.name ? <span data-testid="current-user-email">{user.email}</span> : null}
              <span className="topbar-role" data-testid="current-user-role">
                {user.role}
              </span>
            </span>
          </span>
        </Link>
        <SignOut />
      </div>
    </header>
  );
}
