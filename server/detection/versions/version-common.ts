import { AppError } from '../../errors/app-error';

/** The result of every version comparer: a < b, a = b, a > b. */
export type VersionOrder = -1 | 0 | 1;

export type VersionComparer = (a: string, b: string) => VersionOrder;

/**
 * Longer strings are refused before any parsing. No real version of any ecosystem comes near it, and a bound
 * keeps hostile input from costing more than a few microseconds.
 */
const MAX_VERSION_LENGTH = 256;

const SHOWN_LENGTH = 64;

export function signOf(n: number): VersionOrder {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** The domain error for input that cannot be read: names what was expected and (a bounded excerpt of) the input. */
export function badInput(what: string, text: string, reason: string): AppError {
  const shown = text.length > SHOWN_LENGTH ? `${JSON.stringify(text.slice(0, SHOWN_LENGTH))}… (${text.length} characters)` : JSON.stringify(text);
  return new AppError('BAD_INPUT', `Invalid ${what} ${shown}: ${reason}`);
}

export function badVersion(scheme: string, version: string, reason: string): AppError {
  return badInput(`${scheme} version`, version, reason);
}

/** The checks every scheme starts with: a non-empty string of bounded length. */
export function requireVersionText(scheme: string, version: unknown): string {
  if (typeof version !== 'string') throw new AppError('BAD_INPUT', `Invalid ${scheme} version: expected a string, got ${typeof version}`);
  if (version.length === 0) throw badVersion(scheme, version, 'empty');
  if (version.length > MAX_VERSION_LENGTH) throw badVersion(scheme, version, `longer than ${MAX_VERSION_LENGTH} characters`);
  return version;
}

export function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

export function isAsciiLetter(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

/** The run of ASCII digits starting at `index` (empty when there is none). */
export function digitRunAt(text: string, index: number): string {
  let end = index;
  while (isDigit(text[end])) end++;
  return text.slice(index, end);
}

/** Numeric order of two strings of ASCII digits of any length (leading zeros ignored), without overflow. */
export function compareDigitStrings(a: string, b: string): VersionOrder {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Plain code-unit order, as C's strcmp and Java's String.compareTo give it for ASCII. */
export function compareStrings(a: string, b: string): VersionOrder {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Lexicographic order of two lists, a list that is a prefix of the other first. */
export function compareLists<T>(a: T[], b: T[], compareItems: (x: T, y: T) => VersionOrder): VersionOrder {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const result = compareItems(a[i]!, b[i]!);
    if (result !== 0) return result;
  }
  return signOf(a.length - b.length);
}

/** Order of identifiers that are all digits (compared as numbers) or not (compared as strings), one kind below the other. */
export function compareIdentifiers(a: string, b: string, lower: 'numbers' | 'strings'): VersionOrder {
  const numericA = /^[0-9]+$/.test(a);
  const numericB = /^[0-9]+$/.test(b);
  if (numericA && numericB) return compareDigitStrings(a, b);
  if (numericA !== numericB) return numericA === (lower === 'numbers') ? -1 : 1;
  return compareStrings(a, b);
}
