import { writeBundle, readBundleManifest, type BundleManifest } from '../../kb/kb-bundle';
import { ensureSigningKey } from '../../kb/kb-signing-keys';
import type { KbContribution } from '../../kb/kb-types';
import { KbContributionModel } from '../../models/kb-contribution.model';

/**
 * Writes the KB (or, with `sinceBundle`, what changed after that bundle was made) as a signed
 * offline bundle for air-gapped sites.
 */
export async function exportKbBundle(options: { out: string; dataDir: string; producer: string; sinceBundle?: string }): Promise<BundleManifest & { keyId: string; publicKeyFile: string }> {
  const key = ensureSigningKey(options.dataDir);
  const since = options.sinceBundle ? readBundleManifest(options.sinceBundle).createdAt : null;
  const cursor = KbContributionModel.find(since ? { importedAt: { $gt: new Date(since) } } : {}, { data: 1 })
    .sort({ _id: 1 })
    .lean()
    .cursor();
  async function* contributions(): AsyncIterable<KbContribution> {
    for await (const doc of cursor) yield doc.data;
  }
  const manifest = await writeBundle({ out: options.out, contributions: contributions(), privateKey: key.privateKey, keyId: key.keyId, producer: options.producer, since });
  return { ...manifest, keyId: key.keyId, publicKeyFile: key.publicKeyFile };
}
