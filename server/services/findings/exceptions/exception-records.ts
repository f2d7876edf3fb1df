import { AppError } from '../../../errors/app-error';
import { FindingExceptionClaimModel, type ExceptionPerson, type FindingException, type FindingExceptionStatus } from '../../../models/finding-exception.model';
import { FindingModel } from '../../../models/finding.model';
import type { Acting } from '../../auth/acting-principal';
import { recordExceptionCoverageChange } from '../../trends/record-finding-transitions';
import { refreshOpenFindingRollup } from '../risk-rollup';
import { isDuplicateKeyError, onlyDuplicateKeyErrors } from '../../../db/duplicate-key';

/** Four-eyes needs two named people: exceptions are requested and decided by signed-in users, not the system. */
export function personOf(acting: Acting): ExceptionPerson {
  if (!('principal' in acting)) throw new AppError('FORBIDDEN', 'exceptions are requested and decided by signed-in users');
  return { id: acting.principal.userId, email: acting.principal.email };
}

/**
 * Claims the one transition out of `from` (conditional updates do not settle races on FerretDB; a unique insert
 * does). False: someone else moved the exception first.
 */
export async function claimTransition(exception: Pick<FindingException, '_id'>, from: FindingExceptionStatus, at: Date): Promise<boolean> {
  try {
    await FindingExceptionClaimModel.create({ _id: `${exception._id}|${from}`, exceptionId: exception._id, kind: 'transition', at });
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

/** Claims each finding for the exception, all or none: false when another live exception holds one of them. */
export async function claimFindings(exceptionId: string, findingIds: string[], at: Date): Promise<boolean> {
  const claims = findingIds.map((id) => ({ _id: `finding|${id}`, exceptionId, kind: 'finding' as const, at }));
  try {
    await FindingExceptionClaimModel.insertMany(claims, { ordered: false });
    return true;
  } catch (error) {
    if (!onlyDuplicateKeyErrors(error)) throw error;
    await releaseFindings(exceptionId);
    return false;
  }
}

export async function releaseFindings(exceptionId: string): Promise<void> {
  await FindingExceptionClaimModel.deleteMany({ exceptionId, kind: 'finding' });
}

/** Open counts and risk leave out covered findings: the assets of these findings, and the trends, are rolled up again. */
export async function refreshRollupsOf(findingIds: string[]): Promise<void> {
  await recordExceptionCoverageChange({ findingIds, at: new Date() });
  const assetIds = [...new Set((await FindingModel.find({ _id: { $in: findingIds } }, { assetId: 1 }).lean()).map((finding) => finding.assetId))];
  for (const assetId of assetIds) await refreshOpenFindingRollup({ assetId });
}
