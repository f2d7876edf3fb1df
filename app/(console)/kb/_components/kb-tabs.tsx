'use client';

import { SubNav } from '../../../_components/ui/sub-nav';

const TABS = [
  { href: '/kb', label: 'Vulnerabilities', testId: 'kb-tab-search' },
  { href: '/kb/sources', label: 'Sources', testId: 'kb-tab-sources' },
] as const;

/** The KnowledgeBase's own sub-navigation: the catalogue and its upstream sources. */
export function KbTabs() {
  return <SubNav label="KnowledgeBase" tabs={TABS} testId="kb-tabs" />;
}
