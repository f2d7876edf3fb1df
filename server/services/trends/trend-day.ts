export const DAY_MS = 86_400_000;

/** 00:00 UTC of the day `at` falls on: trends count in UTC days everywhere. */
export const utcDayOf = (at: Date) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));

export const trendIdOf = (businessUnitId: string, day: Date) => `${businessUnitId}|${day.toISOString().slice(0, 10)}`;
