import type { KbContribution } from '../../kb/kb-types';
import { stableHash } from '../../kb/stable-hash';
import { forEachWrite } from '../../db/write-limits';
import { KbContributionModel, type KbContributionDoc } from '../../models/kb-contribution.model';
import { markPending } from '../../models/kb-pending.model';

export interface StoreResult {
  read: number;
  changed: number;
  unchanged: number;
  /** Skipped because the stored record is newer (an older feed file imported after a newer one). */
  older: number;
}

const BATCH = 1000;

/**
 * The upstream record a contribution came from, for per-source counts: a USN, DSA or OSV
 * record split per CVE drops its `/CVE-…` suffix; an Alpine contribution counts its package
 * entry; NVD, KEV, EPSS rows and OVAL definitions are one record each.
 */
export function upstreamIdOf(contribution: KbContribution): string {
  switch (contribution.source) {
    case 'alpine-secdb':
      return contribution.recordId.split('/').slice(0, -1).join('/');
    case 'osv':
    case 'ubuntu-oval':
    case 'debian-tracker':
    case 'debian-oval':
      return contribution.recordId.replace(/\/CVE-\d{4}-\d+$/, '');
    default:
      return contribution.recordId;
  }
}

/** The date that orders two versions of one record: NVD/OSV `modified`, or the EPSS score date. */
const versionOf = (c: KbContribution | undefined) => c?.modified ?? c?.epss?.date;

/** Hash and version of every stored contribution of some sources, by id. */
export type StoredIndex = Map<string, { hash: string; version: string | undefined }>;

/**
 * Reads what is stored once per import instead of looking ids up batch by batch (FerretDB
 * answers `$in` with a scan; MongoDB uses the source index).
 */
export async function loadStoredIndex(filter: { source?: string }): Promise<StoredIndex> {
  const index: StoredIndex = new Map();
  const cursor = KbContributionModel.find(filter, { hash: 1, 'data.modified': 1, 'data.epss.date': 1 }).lean().cursor();
  for await (const doc of cursor) index.set(doc._id, { hash: doc.hash, version: versionOf(doc.data) });
  return index;
}

/**
 * Stores the contributions of one file idempotently: one document per source record, replaced
 * only when its content changed (and never by an older version of itself); its KB key is
 * marked pending for the merge. The file is parsed completely before anything is written, so a file that turns
 * out truncated or malformed half way leaves the KB exactly as it was.
 */
export async function storeContributions(options: { contributions: AsyncIterable<KbContribution>; file: string; stored: StoredIndex }): Promise<StoreResult> {
  const result: StoreResult = { read: 0, changed: 0, unchanged: 0, older: 0 };
  // Within one file the last statement about a record wins, as upstream order intends.
  const byId = new Map<string, KbContribution>();
  for await (const contribution of options.contributions) {
    result.read += 1;
    byId.set(`${contribution.source}:${contribution.recordId}`, contribution);
  }
  const ids = [...byId.keys()];
  const now = new Date();
  for (let start = 0; start < ids.length; start += BATCH) {
    const batch = ids.slice(start, start + BATCH);
    const inserts: KbContributionDoc[] = [];
    const replacements: KbContributionDoc[] = [];
    for (const id of batch) {
      const contribution = byId.get(id)!;
      const hash = stableHash(contribution);
      const previous = options.stored.get(id);
      if (previous?.hash === hash) {
        result.unchanged += 1;
        continue;
      }
      const [before, incoming] = [previous?.version, versionOf(contribution)];
      if (before && incoming && before > incoming) {
        result.older += 1;
        continue;
      }
      result.changed += 1;
      const doc: KbContributionDoc = {
        _id: id,
        source: contribution.source,
        recordId: contribution.recordId,
        upstreamId: upstreamIdOf(contribution),
        key: contribution.key,
        hash,
        data: contribution,
        file: options.file,
        importedAt: now,
      };
      options.stored.set(id, { hash, version: incoming });
      // New records go in one batch insert; replacing existing ones is per document.
      if (previous) replacements.push(doc);
      else inserts.push(doc);
    }
    // Pending first: a crash after it only costs a merge that finds nothing changed.
    await markPending([...new Set([...inserts, ...replacements].map((doc) => doc.key))]);
    if (inserts.length > 0) await KbContributionModel.collection.insertMany(inserts as never[], { ordered: false });
    await forEachWrite(replacements, (doc) => KbContributionModel.replaceOne({ _id: doc._id }, doc));
  }
  return result;
}
