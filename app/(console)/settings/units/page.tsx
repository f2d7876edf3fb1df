import type { Metadata } from 'next';
import { ErrorAlert } from '../../../_components/ui/error-alert';
import { currentUser, load, wire } from '../../../_lib/server-caller';
import { UnitsView } from './units-view';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Business units · Settings' };

export default async function UnitsPage() {
  const [me, units] = await Promise.all([currentUser(), load('units', (caller) => caller.units.list())]);
  if (units.error) return <ErrorAlert error={units.error} title="The business units could not be loaded." testId="units-error" />;
  return <UnitsView initialUnits={wire(units.data.items)} canManage={me.data?.permissions.includes('units:manage') ?? false} />;
}
