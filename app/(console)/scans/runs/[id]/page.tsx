import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ErrorAlert } from '../../../../_components/ui/error-alert';
import { currentUser, load, wire } from '../../../../_lib/server-caller';
import { RunView } from './run-view';
import '../../../../_components/ui.css';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Scan run · Scans' };

export default async function ScanRunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const me = await currentUser();
  const [run, nodes] = await Promise.all([load('scan run', (caller) => caller.scans.run({ id })), load('scanner nodes', (caller) => caller.scanners.list())]);
  if (run.error) {
    if (run.error.code === 'NOT_FOUND' || run.error.code === 'BAD_INPUT') notFound();
    return <ErrorAlert error={run.error} title="The scan run could not be loaded." testId="run-error" />;
  }
  return <RunView initialRun={wire(run.data)} nodes={wire(nodes.data?.items ?? [])} canControl={me.data?.permissions.includes('scans:manage') ?? false} now={Date.now()} />;
}
