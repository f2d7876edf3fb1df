import { scopeFilter, type Scope } from '../../auth/scope';
import { AppError } from '../../errors/app-error';
import { AssetModel } from '../../models/asset.model';
import { FindingExceptionModel, type FindingException } from '../../models/finding-exception.model';
import { FindingModel, type FindingRecord } from '../../models/finding.model';
import { toExceptionView, type FindingExceptionView } from './exceptions/exception-view';
import { toFindingView, type FindingView } from './finding-view';
import { readSlaPolicy } from './sla-policy';

export interface FindingDetail extends FindingView {
  asset: { id: string; name: string; addresses: string[]; hostnames: string[] };
  /** Every exception that names this finding — the live one and those that ended — newest request first. */
  exceptions: FindingExceptionView[];
}

/** At most this many past exceptions are listed with a finding (one is live at a time). */
export const FINDING_EXCEPTIONS_MAX = 100;

/**
 * One finding of the caller's business units with its evidence, asset, lifecycle, SLA and exceptions. A finding of
 * another unit is NOT_FOUND, exactly as an id that names nothing.
 */
export async function getFinding(options: { scope: Scope; id: string; now?: Date }): Promise<FindingDetail> {
  const scope = scopeFilter(options.scope);
  const doc = await FindingModel.findOne({ ...scope, _id: options.id }).lean<FindingRecord>();
  if (!doc) throw new AppError('NOT_FOUND', 'finding not found');
  const [policy, asset, exceptions] = await Promise.all([
    readSlaPolicy(),
    AssetModel.findOne({ _id: doc.assetId }, { name: 1, addresses: 1, hostnames: 1 }).lean(),
    // The exception's own unit is the finding's; findingIds has no index on FerretDB, the unit's exceptions are few.
    FindingExceptionModel.find({ businessUnitId: doc.businessUnitId, findingIds: doc._id })
      .sort({ requestedAt: -1, _id: 1 })
      .limit(FINDING_EXCEPTIONS_MAX)
      .lean<FindingException[]>(),
  ]);
  return {
    ...toFindingView(doc, { now: options.now ?? new Date(), policy }),
    asset: { id: doc.assetId, name: asset?.name ?? '', addresses: asset?.addresses ?? [], hostnames: asset?.hostnames ?? [] },
    exceptions: exceptions.map(toExceptionView),
  };
}
