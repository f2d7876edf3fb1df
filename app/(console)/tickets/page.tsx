import type { Metadata } from 'next';
import { ErrorAlert } from '../../_components/ui/error-alert';
import { currentUser, load, wire } from '../../_lib/server-caller';
import { parseTicketsState, ticketsStateToInput } from './tickets-state';
import { TicketsView } from './tickets-view';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Tickets' };

export default async function TicketsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const me = await currentUser();
  if (me.error) return <ErrorAlert error={me.error} title="The tickets could not be loaded." testId="tickets-error" />;
  const state = parseTicketsState(await searchParams);
  const [list, assignees, assets] = await Promise.all([
    load('tickets', (caller) => caller.tickets.list(ticketsStateToInput(state))),
    // The people to filter by, for those who assign tickets (tickets.assignees needs findings:remediate).
    me.data.permissions.includes('findings:remediate') ? load('ticket assignees', (caller) => caller.tickets.assignees()) : Promise.resolve(null),
    // For the asset filter: the first 200 by name (a longer list filters by asset from the asset's page).
    me.data.permissions.includes('assets:read') ? load('assets', (caller) => caller.assets.list({ page: 1, pageSize: 200, sortBy: 'name', sortDirection: 'asc' })) : Promise.resolve(null),
  ]);
  return (
    <TicketsView
      initialState={state}
      initialData={list.data ? wire(list.data) : null}
      initialError={list.error}
      assignees={(assignees?.data ?? []).map((person) => ({ id: person.id, label: person.name ? `${person.name} <${person.email}>` : person.email }))}
      assets={(assets?.data?.items ?? []).map((asset) => ({ id: asset.id, label: asset.name }))}
      now={Date.now()}
    />
  );
}
