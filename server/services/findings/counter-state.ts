import { BusinessUnitModel } from '../../models/business-unit.model';
import { FindingListStateModel } from '../../models/finding-list-state.model';

/**
 * What the findings list's cells and the dashboard's rank histograms share: how a value (a risk score with one
 * decimal, or a count) is keyed, exactly both ways, and their one-time build per unit, marked in
 * `finding_list_state` so readers know when to trust them.
 */
export const rankKeyOf = (value: number) => `r${Math.round(value * 10)}`;
export const valueOfRankKey = (key: string) => Number(key.slice(1)) / 10;

/**
 * `list-cells-v3`: the cells by filter keys, the list rows keyed by status class, and every finding's tie order (the
 * first `cells` counted by status; v2's rows carried the filter fields, with every status in one key); `list-cells-v4`:
 * the same cells packed, one document per unit and filter keys, and KEV findings' rows keyed under KEV groups too;
 * `rank-histograms-v2`: assets by their total risk (the first ones counted them by their worst finding).
 */
export type CounterState = 'list-cells-v3' | 'list-cells-v4' | 'rank-histograms-v2';

/**
 * The states this process has seen built. Asked on every list and dashboard request; a yes holds for the process's
 * life, as only a restore goes back to no and a restore stops the consoles (README "Backup and restore").
 */
const seenBuilt = new Set<CounterState>();

export async function countersBuilt(state: CounterState): Promise<boolean> {
  if (seenBuilt.has(state)) return true;
  const built = (await FindingListStateModel.findById(state, { _id: 1 }).lean()) !== null;
  if (built) seenBuilt.add(state);
  return built;
}

/** For a process that takes the states away under itself (the tests of the first build). */
export const forgetBuiltCounters = () => seenBuilt.clear();

/** Runs `rebuild` for every unit once (the first run after the counters were introduced, or after a restore from before them). */
export async function buildCountersOnce(state: CounterState, rebuild: (businessUnitId: string) => Promise<unknown>): Promise<{ rebuiltUnits: number }> {
  if (await countersBuilt(state)) return { rebuiltUnits: 0 };
  const units = await BusinessUnitModel.find({}, { _id: 1 }).lean();
  for (const unit of units) await rebuild(unit._id);
  await FindingListStateModel.updateOne({ _id: state }, { $set: { builtAt: new Date() } }, { upsert: true });
  return { rebuiltUnits: units.length };
}
