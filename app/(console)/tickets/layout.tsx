import type { ReactNode } from 'react';
import '../../_components/ui.css';
// Severity chips and KEV badges are the KnowledgeBase's, finding labels the findings pages'.
import '../kb/kb.css';
import '../findings/findings.css';
import './tickets.css';

export default function TicketsLayout({ children }: { children: ReactNode }) {
  return (
    <div className="ui-page kb" data-testid="tickets-section">
      {children}
    </div>
  );
}
