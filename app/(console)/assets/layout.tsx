import type { ReactNode } from 'react';
import '../../_components/ui.css';
// Severity chips and source tags are the KnowledgeBase's; `kb` on the wrapper carries their colours.
import '../kb/kb.css';

export default function AssetsLayout({ children }: { children: ReactNode }) {
  return (
    <div className="ui-page kb" data-testid="assets-section">
      {children}
    </div>
  );
}
