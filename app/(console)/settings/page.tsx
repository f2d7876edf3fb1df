import { redirect } from 'next/navigation';
import { firstSettingsPage } from '../../_components/navigation';
import { currentUser } from '../../_lib/server-caller';

export const dynamic = 'force-dynamic';

/** /settings opens the first settings page the user may see. */
export default async function SettingsIndex() {
  const me = await currentUser();
  const first = me.data ? firstSettingsPage(me.data.permissions) : null;
  if (first) redirect(first);
  return (
    <section className="card empty-state" data-testid="settings-none">
      <h2>No settings for your role</h2>
      <p>Your role does not manage users, business units, single sign-on or security settings.</p>
    </section>
  );
}
