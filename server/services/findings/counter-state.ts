import { BusinessUnitModel } from '../../models/business-unit.model';
import { FindingListStateModel } from '../../models/finding-list-state.model';

/**
 * What the findings list's cells and the dashboard's rank histograms share: how a value (a risk score with one
 * decimal, or a count) is keyed, exactly both ways, and their one-time build per unit, marked in
 * `finding_list_state` so readers know when to trust them.
 */
export const rankKeyOf = (value: number) => `r${Math.round(value * 10)}`;
export const valueOfRankKey = (key: string) => Number(key.slice(1)) / 10;

export type CounterState = 'cells' | 'rank-histograms';

export async function countersBuilt(state: CounterState): Promise<boolean> {
  return (await FindingListStateModel.countDocuments({ _id: state })) > 0;
}

/** Runs `rebuild` for every unit once (the first run after the counters were introduced, or after a restore from before them). */
export async function buildCountersOnce(state: CounterState, rebuild: (businessUnitId: string) => Promise<unknown>): Promise<{ rebuiltUnits: number }> {
  if (await countersBuilt(state)) return { rebuiltUnits: 0 };
  const units = await BusinessUnitModel.find({}, { _id: 1 }).lean();
  for (const unit of units) await rebuild(unit._id);
  await FindingListStateModel.updateOne({ _id: state }, { $set: { builtAt: new Date() } }, { upsert: true });
  return { rebuiltUnits: units.length };
}
