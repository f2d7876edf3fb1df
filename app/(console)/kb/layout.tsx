import type { ReactNode } from 'react';
import { KbTabs } from './_components/kb-tabs';
import './kb.css';

export default function KbLayout({ children }: { children: ReactNode }) {
  return (
    <div className="ui-page kb" data-testid="kb">
      <KbTabs />
      {children}
    </div>
  );
}
