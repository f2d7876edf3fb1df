import type { ReactNode } from 'react';
import { SubNav } from '../../_components/ui/sub-nav';
import '../../_components/ui.css';
// Severity chips, KEV badge and source tags are the KnowledgeBase's; `kb` on the wrapper carries their colours.
import '../kb/kb.css';
import './findings.css';

const TABS = [
  { href: '/findings', label: 'Findings', testId: 'findings-tab-list' },
  { href: '/findings/sla', label: 'SLA', testId: 'findings-tab-sla' },
  { href: '/findings/exceptions', label: 'Exceptions', testId: 'findings-tab-exceptions' },
] as const;

export default function FindingsLayout({ children }: { children: ReactNode }) {
  return (
    <div className="ui-page kb" data-testid="findings-section">
      <SubNav label="Findings" tabs={TABS} testId="findings-tabs" />
      {children}
    </div>
  );
}
