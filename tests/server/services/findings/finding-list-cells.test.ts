import { describe, expect, it } from 'vitest';
import { cellKeysOfFilter, contributionChange, contributionOf, findingListCellId, inFilterCells, packCounts, unpackCounts, type ListCellFinding } from '../../../../server/services/findings/finding-list-cells';

const finding = (over: Partial<ListCellFinding>): ListCellFinding => ({ businessUnitId: 'u|1', status: 'active', severity: 'high', kev: true, exceptionState: null, riskScore: 81.3, ...over });

describe('list cells', () => {
  it('counts an open finding in every cell whose keys it matches: its status, open and any × its KEV key and any × its exception key and any', () => {
    const cells = contributionOf([finding({})]);
    expect(Object.keys(cells)).toHaveLength(12);
    for (const statusKey of ['active', 'open', 'any'] as const)
      for (const kevKey of ['kev', 'any'] as const)
        for (const exceptionKey of ['none', 'any'] as const) expect(cells[findingListCellId({ businessUnitId: 'u|1', statusKey, severity: 'high', kevKey, exceptionKey })]).toEqual({ r813: 1 });
  });

  it('counts a fixed finding in 8 cells (not open), under its exception state', () => {
    const cells = contributionOf([finding({ status: 'fixed', kev: false, exceptionState: 'risk-accepted' })]);
    expect(Object.keys(cells)).toHaveLength(8);
    expect(cells[findingListCellId({ businessUnitId: 'u|1', statusKey: 'fixed', severity: 'high', kevKey: 'no', exceptionKey: 'risk-accepted' })]).toEqual({ r813: 1 });
    expect(Object.keys(cells).some((id) => id.includes('|open|'))).toBe(false);
  });

  it('packs counts as one string: severities most severe first, scores highest first, zeros left out, so equal counts are equal strings', () => {
    const packed = packCounts({ low: { r12: 2, r5: 0 }, critical: { r99: 1, r1000: 3 }, none: { r0: 0 } });
    expect(packed).toBe('{"critical":{"r1000":3,"r99":1},"low":{"r12":2}}');
    expect(packCounts({ critical: { r99: 1, r1000: 3 }, low: { r12: 2 } })).toBe(packed);
    expect(unpackCounts(packed)).toEqual({ critical: { r1000: 3, r99: 1 }, low: { r12: 2 } });
    expect(packCounts({})).toBe('{}');
  });

  it('moves a finding between ranks as a difference: minus one here, plus one there, nothing elsewhere', () => {
    const change = contributionChange(contributionOf([finding({})]), contributionOf([finding({ riskScore: 100 })]));
    for (const ranks of Object.values(change)) expect(ranks).toEqual({ r813: -1, r1000: 1 });
    expect(contributionChange(contributionOf([finding({})]), contributionOf([finding({})]))).toEqual({});
  });

  it.each([
    [{}, { statusKey: 'any', kevKey: 'any', exceptionKey: 'any' }],
    [{ status: 'open' as const }, { statusKey: 'open', kevKey: 'any', exceptionKey: 'any' }],
    [{ status: 'fixed' as const, kev: false }, { statusKey: 'fixed', kevKey: 'no', exceptionKey: 'any' }],
    [{ kev: true, exception: 'none' as const, severity: 'critical' as const }, { statusKey: 'any', kevKey: 'kev', exceptionKey: 'none', severity: 'critical' }],
  ])('reads filter %j from the cells keyed %j', (filter, keys) => {
    expect(cellKeysOfFilter(filter)).toEqual(keys);
  });

  it('passes a finding through a filter exactly when it counts in that filter\'s cell', () => {
    const findings = (['new', 'active', 'reopened', 'fixed'] as const).flatMap((status) =>
      [true, false].flatMap((kev) => ([null, 'risk-accepted', 'false-positive'] as const).map((exceptionState) => finding({ status, kev, exceptionState }))),
    );
    const filters = ([undefined, 'open', 'new', 'fixed'] as const).flatMap((status) =>
      [undefined, true, false].flatMap((kev) => ([undefined, 'none', 'risk-accepted'] as const).map((exception) => ({ status, kev, exception }))),
    );
    for (const one of findings)
      for (const filter of filters) {
        const cell = findingListCellId({ businessUnitId: 'u|1', severity: 'high', ...cellKeysOfFilter(filter) });
        expect(inFilterCells(one, filter)).toBe(cell in contributionOf([one]));
      }
  });
});
