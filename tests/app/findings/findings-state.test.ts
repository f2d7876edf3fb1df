import { describe, expect, it } from 'vitest';
import { DEFAULT_FINDINGS_STATE, findingsFilterQuery, findingsStateToInput, findingsStateToQuery, parseFindingsState } from '../../../app/(console)/findings/findings-state';
import { findingsListInput } from '../../../server/trpc/routers/findings/findings-list.procedure';

const parse = (query: string) => parseFindingsState(new URLSearchParams(query));

describe('findings URL state: business unit and age', () => {
  it('reads a unit and an age in days, and gives them to findings.list as businessUnitId and olderThanDays', () => {
    const state = parse('unit=emea&age=30&severity=high');
    expect(state).toMatchObject({ unit: 'emea', age: '30', severity: 'high' });
    const input = findingsStateToInput(state);
    expect(input).toMatchObject({ businessUnitId: 'emea', olderThanDays: 30 });
    expect(findingsListInput.parse(input)).toMatchObject({ businessUnitId: 'emea', olderThanDays: 30 });
  });

  it('keeps any whole number of days up to ten years, as typed in a link', () => {
    expect(parse('age=45').age).toBe('45');
    expect(parse('age=0045').age).toBe('45');
    expect(parse('age=3650').age).toBe('3650');
  });

  it('drops an invalid age or unit to its default instead of failing the page', () => {
    for (const age of ['0', '-5', '3651', '1.5', '30d', 'abc', '99999', ' ']) expect(parse(`age=${encodeURIComponent(age)}`).age, age).toBe('');
    expect(parse('unit=%01%02').unit).toBe('');
    expect(parse(`unit=${'u'.repeat(300)}`).unit).toHaveLength(100);
    expect(findingsStateToInput(parse('age=nope'))).toMatchObject({ olderThanDays: undefined, businessUnitId: undefined });
  });

  it('writes them to the URL and the export query only when set, and round-trips', () => {
    expect(findingsStateToQuery(DEFAULT_FINDINGS_STATE)).toBe('');
    const state = { ...DEFAULT_FINDINGS_STATE, unit: 'emea', age: '90' };
    const query = findingsStateToQuery(state);
    expect(new URLSearchParams(query).get('unit')).toBe('emea');
    expect(new URLSearchParams(query).get('age')).toBe('90');
    expect(parse(query)).toEqual(state);
    expect(findingsFilterQuery(state).toString()).toBe('unit=emea&age=90');
  });

  it('is refused by findings.list when an age is out of range (the REST API takes raw parameters)', () => {
    expect(findingsListInput.safeParse({ olderThanDays: 0 }).success).toBe(false);
    expect(findingsListInput.safeParse({ olderThanDays: 3651 }).success).toBe(false);
    expect(findingsListInput.safeParse({ olderThanDays: '2.5' }).success).toBe(false);
    expect(findingsListInput.safeParse({ businessUnitId: '' }).success).toBe(false);
  });
});
