import type { ReactNode } from 'react';
import { currentUser } from '../../_lib/server-caller';
import { SettingsTabs } from './settings-tabs';

export default async function SettingsLayout({ children }: { children: ReactNode }) {
  const me = await currentUser();
  return (
    <div className="ui-page" data-testid="settings">
      <SettingsTabs permissions={me.data?.permissions ?? []} />
      {children}
    </div>
  );
}
