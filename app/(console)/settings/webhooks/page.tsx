import type { Metadata } from 'next';
import { ErrorAlert } from '../../../_components/ui/error-alert';
import { load, wire } from '../../../_lib/server-caller';
import { WebhooksView } from './webhooks-view';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Webhooks · Settings' };

export default async function WebhooksPage() {
  const [webhooks, units] = await Promise.all([load('webhooks', (caller) => caller.webhooks.list()), load('units', (caller) => caller.units.list())]);
  if (webhooks.error) return <ErrorAlert error={webhooks.error} title="The webhooks could not be loaded." testId="webhooks-error" />;
  return <WebhooksView initialWebhooks={wire(webhooks.data)} units={wire(units.data?.items ?? [])} now={Date.now()} />;
}
