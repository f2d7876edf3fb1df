import type { Scope } from '../../auth/scope';
import { FindingModel, type FindingRecord } from '../../models/finding.model';
import { csvLine } from '../audit/audit-csv';
import type { FindingView } from './finding-view';
import { findingQuery, scopeOfFindingFilter, sortOf, withAssetNames, type FindingFilter, type FindingSort } from './list-findings';
import { readSlaPolicy } from './sla-policy';

export const FINDINGS_CSV_COLUMNS = [
  'id',
  'asset',
  'asset_id',
  'vulnerability',
  'vgl_id',
  'cves',
  'severity',
  'cvss',
  'epss',
  'kev',
  'risk',
  'ecosystem',
  'package',
  'source_package',
  'installed_version',
  'fixed_version',
  'port',
  'status',
  'exception',
  'sla_due_at',
  'sla_state',
  'first_seen_at',
  'last_seen_at',
  'times_seen',
  'fixed_at',
  'rule',
  'source',
  'confidence',
] as const;

const CURSOR_BATCH_SIZE = 500;

function csvRecord(view: FindingView & { assetName: string }): string {
  return csvLine([
    view.id,
    view.assetName,
    view.assetId,
    view.vulnId,
    view.vglId,
    view.cves.join(' '),
    view.severity,
    view.cvss,
    view.epss,
    view.kev ? 'yes' : 'no',
    view.riskScore,
    view.ecosystem,
    view.package,
    view.sourcePackage,
    view.installedVersion,
    view.fixedVersion,
    view.port,
    view.status,
    view.exceptionState,
    view.slaDueAt,
    view.slaState,
    view.firstSeenAt,
    view.lastSeenAt,
    view.timesSeen,
    view.fixedAt,
    view.rule,
    view.source,
    view.confidence,
  ]);
}

/**
 * The findings of a list's filter and sort as CSV lines (header first), every page of them, from a cursor: any
 * number of findings in constant memory. Asset names are looked up per batch.
 */
export async function* exportFindingsCsv(options: { scope: Scope; filter: FindingFilter; sort: { by: FindingSort; direction: 'asc' | 'desc' } }): AsyncIterable<string> {
  yield csvLine(FINDINGS_CSV_COLUMNS);
  const policy = await readSlaPolicy();
  const now = new Date();
  const scope = await scopeOfFindingFilter(options.scope, options.filter);
  const cursor = FindingModel.find(findingQuery({ scope, filter: options.filter, now, dueSoonDays: policy.dueSoonDays }))
    .sort(sortOf(options.sort))
    .lean<FindingRecord[]>()
    .cursor({ batchSize: CURSOR_BATCH_SIZE });
  let batch: FindingRecord[] = [];
  const flush = async () => {
    const lines = (await withAssetNames(batch, { now, policy })).map(csvRecord).join('');
    batch = [];
    return lines;
  };
  try {
    for await (const doc of cursor) {
      batch.push(doc);
      if (batch.length >= CURSOR_BATCH_SIZE) yield await flush();
    }
    if (batch.length > 0) yield await flush();
  } finally {
    await cursor.close();
  }
}

