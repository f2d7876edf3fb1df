import type { Metadata } from 'next';
import { ErrorAlert } from '../../../_components/ui/error-alert';
import { load, wire } from '../../../_lib/server-caller';
import { SlaView } from './sla-view';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'SLA · Findings' };

export default async function SlaPage() {
  const sla = await load('SLA overview', (caller) => caller.findings.sla({ limit: 50 }));
  if (sla.error) return <ErrorAlert error={sla.error} title="The SLA overview could not be loaded." testId="sla-error" />;
  return <SlaView sla={wire(sla.data)} now={Date.now()} />;
}
