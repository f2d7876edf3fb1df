import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { ErrorAlert } from '../../../_components/ui/error-alert';
import { load, wire } from '../../../_lib/server-caller';
import { AssetDetailView } from './asset-detail';

export const dynamic = 'force-dynamic';

/** One read per request, shared by the title and the page. */
const loadAsset = cache((id: string) => load('asset', (caller) => caller.assets.get({ id })));

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const asset = await loadAsset((await params).id);
  return { title: asset.data ? `${asset.data.name} · Assets` : 'Assets' };
}

export default async function AssetPage({ params }: { params: Promise<{ id: string }> }) {
  const asset = await loadAsset((await params).id);
  if (asset.error) {
    // Another unit's asset reads as not found, like an id that names nothing.
    if (asset.error.code === 'NOT_FOUND' || asset.error.code === 'BAD_INPUT') notFound();
    return <ErrorAlert error={asset.error} title="The asset could not be loaded." testId="asset-error" />;
  }
  return <AssetDetailView asset={wire(asset.data)} />;
}
