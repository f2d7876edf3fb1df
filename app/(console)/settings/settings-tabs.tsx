'use client';

import { SETTINGS_PAGES, allows } from '../../_components/navigation';
import { SubNav } from '../../_components/ui/sub-nav';

/** The settings pages this user may open. */
export function SettingsTabs({ permissions }: { permissions: readonly string[] }) {
  const tabs = SETTINGS_PAGES.filter((page) => allows(permissions, page.anyOf)).map((page) => ({ href: page.href, label: page.label, testId: `settings-tab-${page.id}` }));
  return <SubNav label="Settings" tabs={tabs} testId="settings-tabs" />;
}
