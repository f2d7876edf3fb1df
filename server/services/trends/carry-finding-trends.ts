import { BusinessUnitModel } from '../../models/business-unit.model';
import { findingTrendCollection, FindingTrendModel, zeroTrendCounters, type FindingTrend } from '../../models/finding-trend.model';
import { ACTIONABLE_FINDING_FILTER, FindingModel } from '../../models/finding.model';
import { trendIdOf, utcDayOf } from './trend-day';

const COUNTED_SEVERITIES = ['critical', 'high', 'medium', 'low', 'none', 'unknown', 'total'] as const;

/**
 * The daily trend job (`finding-trends`, once per cluster through the scheduler lease): every unit gets today's day,
 * each day not carried yet (today's, and any a stopped cluster left behind) receives the closing open counts of the
 * day before it, in order, and today records its SLA breaches. Days are carried once (`carried`), so a second run
 * adds nothing; the snapshot is simply taken again.
 */
export async function carryFindingTrends(options: { now?: Date } = {}): Promise<{ units: number; carried: number }> {
  const now = options.now ?? new Date();
  const today = utcDayOf(now);
  const units = [...new Set([...(await FindingTrendModel.distinct('businessUnitId')), ...(await BusinessUnitModel.distinct('_id'))])] as string[];
  let carried = 0;
  for (const businessUnitId of units) {
    await findingTrendCollection().updateOne({ _id: trendIdOf(businessUnitId, today) }, { $setOnInsert: { businessUnitId, day: today, carried: false, ...zeroTrendCounters() } }, { upsert: true });
    const pending = await FindingTrendModel.find({ businessUnitId, carried: { $ne: true }, day: { $lte: today } }).sort({ day: 1 }).lean();
    for (const day of pending) {
      const previous = await FindingTrendModel.findOne({ businessUnitId, day: { $lt: day.day } }).sort({ day: -1 }).lean<FindingTrend>();
      const inc = previous ? { ...Object.fromEntries(COUNTED_SEVERITIES.map((severity) => [`open.${severity}`, previous.open?.[severity] ?? 0])), kevOpen: previous.kevOpen ?? 0 } : {};
      await findingTrendCollection().updateOne({ _id: day._id }, { $inc: inc, $set: { carried: true } });
      carried += 1;
    }
    const slaBreached = await FindingModel.countDocuments({ businessUnitId, ...ACTIONABLE_FINDING_FILTER, slaDueAt: { $lt: now } });
    await findingTrendCollection().updateOne({ _id: trendIdOf(businessUnitId, today) }, { $set: { slaBreached } });
  }
  return { units: units.length, carried };
}
