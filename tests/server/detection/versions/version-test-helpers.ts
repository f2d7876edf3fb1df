import { expect, it } from 'vitest';
import type { VersionComparer } from '../../../../server/detection/versions/version-common';
import { isAppError } from '../../../../server/errors/app-error';

export type Relation = '<' | '=' | '>';

const ORDER = { '<': -1, '=': 0, '>': 1 } as const;

/** Asserts `a relation b`, and the reverse relation for `b` and `a`. */
export function expectOrder(compare: VersionComparer, a: string, relation: Relation, b: string): void {
  expect(compare(a, b), `${a} ${relation} ${b}`).toBe(ORDER[relation]);
  expect(compare(b, a), `reversed: ${b} vs ${a}`).toBe(0 - ORDER[relation]);
}

/** One test per row: `a relation b` (and the reverse). */
export function itOrders(compare: VersionComparer, rows: [string, Relation, string][]): void {
  it.each(rows)('%j %s %j', (a, relation, b) => {
    expectOrder(compare, a, relation, b);
  });
}

/** One test per pair of an ascending list: every version is below every later one. */
export function itOrdersAscending(compare: VersionComparer, versions: string[]): void {
  itOrders(
    compare,
    versions.flatMap((low, i) => versions.slice(i + 1).map((high): [string, Relation, string] => [low, '<', high])),
  );
}

/** Asserts that `run` throws a BAD_INPUT domain error whose (bounded) message contains `mention`. */
export function expectBadInput(run: () => unknown, mention: string): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(isAppError(thrown), 'throws an AppError').toBe(true);
  const error = thrown as Error & { code: string };
  expect(error.code).toBe('BAD_INPUT');
  expect(error.message).toContain(mention);
  expect(error.message.length).toBeLessThan(300);
}

/** Inputs that no version scheme reads, hostile sizes included. */
const UNREADABLE_VERSIONS: [string, string][] = [
  ['empty', ''],
  ['blank', '   '],
  ['NUL character', '1.0\u0000'],
  ['markup', '<script>alert(1)</script>'],
  ['a megabyte of digits', '1'.repeat(1_000_000)],
  ['a megabyte of components', `1${'.1'.repeat(500_000)}`],
];

/** One test per row (and per common unreadable input): `compare` refuses the version as either argument, naming `scheme`. */
export function itRefuses(compare: VersionComparer, scheme: string, valid: string, rows: [string, string][]): void {
  it.each([...UNREADABLE_VERSIONS, ...rows])('refuses %s', (_name, version) => {
    expectBadInput(() => compare(version, valid), scheme);
    expectBadInput(() => compare(valid, version), scheme);
  });
}

/** A reproducible stream of numbers in [0, 1) (mulberry32), so generated cross-check cases are the same every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export function pickFrom<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}
