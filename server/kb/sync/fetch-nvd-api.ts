import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fetchUpstream, type FetchLimits } from './fetch-upstream';

const PAGE_SIZE = 2000;
/** The NVD API accepts lastModified windows of at most 120 days. */
const MAX_WINDOW_DAYS = 120;
const DAY_MS = 86_400_000;

/**
 * Pages through the NVD CVE API 2.0. After a first complete sync only CVEs modified since the
 * previous sync (minus a day of overlap) are fetched. Each page is kept as a file, which the
 * NVD importer reads like any API response file.
 */
export async function fetchNvdApiPages(options: {
  baseUrl: string;
  destDir: string;
  since: Date | null;
  now?: Date;
  authHeader?: string | null;
  limits?: Partial<FetchLimits>;
  /** NVD asks for ~6 s between requests without an API key. */
  pageDelayMs?: number;
}): Promise<{ files: string[]; bytes: number; incremental: boolean }> {
  const now = options.now ?? new Date();
  const start = options.since ? new Date(options.since.getTime() - DAY_MS) : null;
  const incremental = start !== null && now.getTime() - start.getTime() <= MAX_WINDOW_DAYS * DAY_MS;
  const files: string[] = [];
  let bytes = 0;
  let total = Infinity;
  let startIndex = 0;
  while (startIndex < total) {
    const url = new URL(options.baseUrl);
    url.searchParams.set('resultsPerPage', String(PAGE_SIZE));
    url.searchParams.set('startIndex', String(startIndex));
    if (incremental && start) {
      url.searchParams.set('lastModStartDate', start.toISOString());
      url.searchParams.set('lastModEndDate', now.toISOString());
    }
    const outcome = await fetchUpstream({ url: url.toString(), destDir: options.destDir, fileName: `nvd-api-page-${startIndex}.json`, authHeader: options.authHeader, limits: options.limits });
    if (outcome.status !== 'downloaded') break;
    files.push(outcome.file);
    bytes += outcome.bytes;
    const head = readFileSync(outcome.file, 'utf8').slice(0, 4096);
    const totalMatch = /"totalResults"\s*:\s*(\d+)/.exec(head);
    if (!totalMatch) throw new Error(`${url.toString()}: not an NVD CVE API 2.0 response (no totalResults)`);
    total = Number(totalMatch[1]);
    // The server may serve fewer than asked per page: advance by what it says it served.
    const served = Number(/"resultsPerPage"\s*:\s*(\d+)/.exec(head)?.[1] ?? 0);
    if (served === 0) break;
    startIndex += served;
    if (startIndex < total && options.pageDelayMs) await sleep(options.pageDelayMs);
  }
  return { files, bytes, incremental };
}
