import { EMPTY_FINDING_COUNTS, type AssetFindingCounts } from '../../models/asset.model';
import { FindingTrendModel, type FindingTrend } from '../../models/finding-trend.model';
import { DAY_MS, utcDayOf } from './trend-day';

/** One day of the trend: the day's counters with the open counts folded in (see unitSeries). */
export type FindingTrendPoint = Omit<FindingTrend, '_id' | 'businessUnitId' | 'day' | 'carried'> & { /** YYYY-MM-DD (UTC). */ day: string };

const SEVERITY_KEYS = Object.keys(EMPTY_FINDING_COUNTS) as (keyof AssetFindingCounts)[];

const addCounts = (a: AssetFindingCounts, b: Partial<AssetFindingCounts> | undefined): AssetFindingCounts =>
  Object.fromEntries(SEVERITY_KEYS.map((key) => [key, a[key] + (b?.[key] ?? 0)])) as AssetFindingCounts;

/**
 * One unit's days, oldest first, with the open counts folded: a carried day holds closing values, a day not carried
 * yet the change since the day before; a day without a document keeps the day before's open counts and SLA
 * breaches, with no events.
 */
async function unitSeries(businessUnitId: string, firstDay: Date, days: number): Promise<FindingTrendPoint[]> {
  const base = await FindingTrendModel.findOne({ businessUnitId, carried: true, day: { $lt: firstDay } }).sort({ day: -1 }).lean<FindingTrend>();
  const docs = await FindingTrendModel.find({ businessUnitId, day: { $gt: base?.day ?? new Date(0) } }).sort({ day: 1 }).lean<FindingTrend[]>();
  let open = addCounts({ ...EMPTY_FINDING_COUNTS }, base?.open);
  let kevOpen = base?.kevOpen ?? 0;
  let slaBreached = base?.slaBreached ?? 0;
  const byDay = new Map<number, FindingTrend>();
  for (const doc of docs) {
    if (doc.day.getTime() >= firstDay.getTime()) {
      byDay.set(doc.day.getTime(), doc);
      continue;
    }
    // Days between the last carried one and the window, not carried yet: their changes lead into it.
    open = addCounts(open, doc.open);
    kevOpen += doc.kevOpen ?? 0;
  }
  const points: FindingTrendPoint[] = [];
  for (let i = 0; i < days; i++) {
    const day = new Date(firstDay.getTime() + i * DAY_MS);
    const doc = byDay.get(day.getTime());
    if (doc) {
      open = doc.carried ? addCounts({ ...EMPTY_FINDING_COUNTS }, doc.open) : addCounts(open, doc.open);
      kevOpen = doc.carried ? (doc.kevOpen ?? 0) : kevOpen + (doc.kevOpen ?? 0);
      if (doc.carried) slaBreached = doc.slaBreached ?? 0;
    }
    points.push({
      day: day.toISOString().slice(0, 10),
      open,
      kevOpen,
      new: doc?.new ?? 0,
      fixed: doc?.fixed ?? 0,
      reopened: doc?.reopened ?? 0,
      remediated: doc?.remediated ?? 0,
      remediationHours: doc?.remediationHours ?? 0,
      slaBreached,
    });
  }
  return points;
}

/** The last `days` days up to today of the listed units, added up per day. */
export async function readFindingTrends(options: { businessUnitIds: readonly string[]; days: number; now?: Date }): Promise<FindingTrendPoint[]> {
  const firstDay = new Date(utcDayOf(options.now ?? new Date()).getTime() - (options.days - 1) * DAY_MS);
  const perUnit = await Promise.all(options.businessUnitIds.map((unit) => unitSeries(unit, firstDay, options.days)));
  return Array.from({ length: options.days }, (_, i) =>
    perUnit.reduce<FindingTrendPoint>(
      (sum, series) => {
        const point = series[i]!;
        return {
          day: point.day,
          open: addCounts(sum.open, point.open),
          kevOpen: sum.kevOpen + point.kevOpen,
          new: sum.new + point.new,
          fixed: sum.fixed + point.fixed,
          reopened: sum.reopened + point.reopened,
          remediated: sum.remediated + point.remediated,
          remediationHours: sum.remediationHours + point.remediationHours,
          slaBreached: sum.slaBreached + point.slaBreached,
        };
      },
      { day: new Date(firstDay.getTime() + i * DAY_MS).toISOString().slice(0, 10), open: { ...EMPTY_FINDING_COUNTS }, kevOpen: 0, new: 0, fixed: 0, reopened: 0, remediated: 0, remediationHours: 0, slaBreached: 0 },
    ),
  );
}
