import { FindingListVersionModel } from '../../models/finding-list-version.model';

/**
 * Pages of the findings list in risk order kept by this console (README "Findings list at a million findings"),
 * served again while no business unit they cover has changed: each unit's list version is bumped after every change
 * of its list rows and cells, and the version `*` after a change of all of them (the SLA policy). So a request for a
 * kept page reads the versions (one small query) instead of the cells and rows, and a page is never served after a
 * change its units' versions show. What a page derives from the clock (SLA state, due soon) is kept MAX_AGE_MS at
 * most. Each console process keeps its own pages; the versions are in the database, so all agree.
 */
const MAX_PAGES = 1000;
const MAX_AGE_MS = 30_000;
const EVERY_UNIT = '*';

const pages = new Map<string, { versions: string; keptAt: number; page: unknown }>();

/** Marks the list of these units (or, without any, of every unit) changed: their kept pages are read again. */
export async function bumpListVersions(businessUnitIds: readonly string[] = [EVERY_UNIT]): Promise<void> {
  // The launcher lets one update of a document through at a time, and MongoDB retries a racing upsert by _id.
  for (const _id of new Set(businessUnitIds)) await FindingListVersionModel.updateOne({ _id }, { $inc: { version: 1 } }, { upsert: true });
}

async function versionsOf(businessUnitIds: readonly string[]): Promise<string> {
  const ids = [EVERY_UNIT, ...businessUnitIds];
  // One document per unit: FerretDB scans for the `$in`, which here is a handful of documents.
  const versions = new Map((await FindingListVersionModel.find({ _id: { $in: ids } }).lean()).map((doc) => [doc._id, doc.version]));
  return ids.map((id) => `${id}:${versions.get(id) ?? 0}`).join(',');
}

/**
 * The page `key` of these units: kept, while their versions are those it was read at and it is younger than
 * MAX_AGE_MS, else read (and kept unless `read` gives null). Callers must not change what they get: it is shared.
 */
export async function keptListPage<T>(options: { businessUnitIds: readonly string[]; key: string; now: number; read: () => Promise<T | null> }): Promise<T | null> {
  const versions = await versionsOf(options.businessUnitIds);
  const key = `${[...options.businessUnitIds].sort().join(',')}\n${options.key}`;
  const kept = pages.get(key);
  if (kept && kept.versions === versions && options.now - kept.keptAt < MAX_AGE_MS) {
    // Most recently used last: the first entry is the one to drop.
    pages.delete(key);
    pages.set(key, kept);
    return kept.page as T;
  }
  const page = await options.read();
  pages.delete(key);
  if (page !== null) pages.set(key, { versions, keptAt: options.now, page });
  if (pages.size > MAX_PAGES) pages.delete(pages.keys().next().value!);
  return page;
}
