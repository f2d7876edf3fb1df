import type { Metadata } from 'next';
import { ErrorAlert } from '../../_components/ui/error-alert';
import { unitOptions } from '../../_components/ui/units';
import { currentUser, load, wire } from '../../_lib/server-caller';
import { findingsStateToInput, parseFindingsState } from './findings-state';
import { FindingsView } from './findings-view';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Findings' };

export default async function FindingsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const me = await currentUser();
  if (me.error) return <ErrorAlert error={me.error} title="The findings could not be loaded." testId="findings-error" />;
  const state = parseFindingsState(await searchParams);
  const input = findingsStateToInput(state);
  const [list, summary, assets, units] = await Promise.all([
    load('findings', (caller) => caller.findings.list(input)),
    load('findings summary', (caller) => caller.findings.summary(input)),
    // For the asset filter: the first 200 by name (a longer list filters by asset from the asset's page).
    me.data.permissions.includes('assets:read') ? load('assets', (caller) => caller.assets.list({ page: 1, pageSize: 200, sortBy: 'name', sortDirection: 'asc' })) : Promise.resolve(null),
    me.data.permissions.includes('units:read') ? load('units', (caller) => caller.units.list()) : Promise.resolve(null),
  ]);
  return (
    <FindingsView
      initialState={state}
      initialData={list.data ? wire(list.data) : null}
      initialSummary={summary.data ? wire(summary.data) : null}
      initialError={list.error}
      assets={(assets?.data?.items ?? []).map((asset) => ({ id: asset.id, name: asset.name }))}
      units={unitOptions(units?.data?.items ?? [])}
      userId={me.data.user.id}
      canTriage={me.data.permissions.includes('findings:triage')}
      canRemediate={me.data.permissions.includes('findings:remediate')}
      now={Date.now()}
    />
  );
}
