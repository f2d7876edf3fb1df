import type { Metadata } from 'next';
import { load, wire } from '../../_lib/server-caller';
import { AuditView } from './audit-view';
import { parseAuditState, auditStateToInput } from './audit-state';
import '../../_components/ui.css';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Audit log' };

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const state = parseAuditState(await searchParams);
  const result = await load('audit log', (caller) => caller.audit.list(auditStateToInput(state)));
  return <AuditView initialState={state} initialData={result.data ? wire(result.data) : null} initialError={result.error} />;
}
