import { badVersion, compareDigitStrings, compareStrings, isDigit, requireVersionText, signOf, type VersionOrder } from './version-common';

/**
 * Maven versions, ordered as Maven 3.9's `org.apache.maven.artifact.versioning.ComparableVersion` orders them
 * (with CombinationItem, MNG-7644 and MNG-7714; see "Version Order Specification" in the POM reference):
 *
 * - items split at `.`, `-` and digit/letter transitions; `-` (and a letter after a number) opens a sub-list;
 * - numbers compare numerically; trailing zeros and empty qualifiers are dropped (1 = 1.0 = 1-0 = 1.ga);
 * - qualifiers alpha (a1) < beta (b1) < milestone (m1) < rc = cr < snapshot < "" = ga = final = release < sp,
 *   then any other qualifier, alphabetically, case-insensitive; a qualifier with a number (rc1) is one item;
 * - a number beats a qualifier or sub-list at the same place (1.1 > 1-1 > 1-sp > 1 > 1-rc).
 *
 * ComparableVersion accepts any string; here a version must start with a letter or digit and hold only
 * letters, digits and `. - _ +`.
 */

const SCHEME = 'Maven';
const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

/** Java keeps numbers of up to 9 digits in an int and up to 18 in a long; the type orders before the value. */
const INT_DIGITS = 9;
const LONG_DIGITS = 18;

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const RELEASE_QUALIFIERS = ['ga', 'final', 'release'];
const RELEASE_INDEX = String(QUALIFIERS.indexOf(''));

interface NumberItem {
  kind: 'number';
  /** 0 int, 1 long, 2 BigInteger. */
  width: number;
  digits: string;
}
interface StringItem {
  kind: 'string';
  value: string;
}
interface CombinationItem {
  kind: 'combination';
  qualifier: StringItem;
  number: NumberItem;
}
interface ListItem {
  kind: 'list';
  items: Item[];
}
type Item = NumberItem | StringItem | CombinationItem | ListItem;

const ZERO: NumberItem = { kind: 'number', width: 0, digits: '0' };

function numberItem(digits: string): NumberItem {
  // Java's stripLeadingZeroes keeps an all-zero string whole, so its length still picks the type.
  const stripped = digits.replace(/^0+(?=[0-9]*[1-9])/, '');
  return { kind: 'number', width: stripped.length <= INT_DIGITS ? 0 : stripped.length <= LONG_DIGITS ? 1 : 2, digits: stripped };
}

function stringItem(value: string, followedByDigit: boolean): StringItem {
  const shorthand: Record<string, string> = { a: 'alpha', b: 'beta', m: 'milestone' };
  const expanded = followedByDigit && value.length === 1 ? (shorthand[value] ?? value) : value;
  return { kind: 'string', value: expanded === 'cr' ? 'rc' : expanded };
}

function combinationItem(text: string): CombinationItem {
  const firstDigit = text.search(/[0-9]/);
  return { kind: 'combination', qualifier: stringItem(text.slice(0, firstDigit), true), number: numberItem(text.slice(firstDigit)) };
}

function parseItem(isCombination: boolean, isNumber: boolean, text: string): Item {
  if (isCombination) return combinationItem(text.replaceAll('-', ''));
  return isNumber ? numberItem(text) : stringItem(text, false);
}

function isNull(item: Item): boolean {
  switch (item.kind) {
    case 'number':
      return /^0+$/.test(item.digits);
    case 'string':
      return item.value === '';
    case 'combination':
      return false;
    case 'list':
      return item.items.length === 0;
  }
}

/** Drops null items (0, "", empty lists) that end a list or come before a qualifier. */
function normalize(list: ListItem): void {
  const items = list.items;
  for (let i = items.length - 1; i >= 0; i--) {
    if (!isNull(items[i]!)) continue;
    const next = items[i + 1];
    const nextStartsWithQualifier = next?.kind === 'list' && (next.items[0]?.kind === 'combination' || next.items[0]?.kind === 'string');
    if (next === undefined || next.kind === 'string' || nextStartsWithQualifier) items.splice(i, 1);
  }
}

/** ComparableVersion.parseVersion, step by step. */
function parseMavenVersion(input: string): ListItem {
  const text = requireVersionText(SCHEME, input);
  if (!VERSION_PATTERN.test(text)) throw badVersion(SCHEME, text, 'must start with a letter or digit and contain only letters, digits and . - _ +');
  const version = text.toLowerCase();
  const root: ListItem = { kind: 'list', items: [] };
  const lists = [root];
  let list = root;
  const openSubList = () => {
    const sub: ListItem = { kind: 'list', items: [] };
    list.items.push(sub);
    list = sub;
    lists.push(sub);
  };
  let isNumber = false;
  let isCombination = false;
  let start = 0;
  for (let i = 0; i < version.length; i++) {
    const c = version[i];
    if (c === '.') {
      list.items.push(i === start ? ZERO : parseItem(isCombination, isNumber, version.slice(start, i)));
      isCombination = false;
      start = i + 1;
    } else if (c === '-') {
      if (i === start) {
        list.items.push(ZERO);
      } else {
        // X-1 is read as X1.
        if (!isNumber && isDigit(version[i + 1])) {
          isCombination = true;
          continue;
        }
        list.items.push(parseItem(isCombination, isNumber, version.slice(start, i)));
      }
      start = i + 1;
      if (list.items.length > 0) openSubList();
      isCombination = false;
    } else if (isDigit(c)) {
      if (!isNumber && i > start) {
        // A qualifier followed by a number (rc1) becomes one combination item, in a sub-list of its own.
        isCombination = true;
        if (list.items.length > 0) openSubList();
      }
      isNumber = true;
    } else {
      if (isNumber && i > start) {
        list.items.push(parseItem(isCombination, true, version.slice(start, i)));
        start = i;
        openSubList();
        isCombination = false;
      }
      isNumber = false;
    }
  }
  if (version.length > start) {
    // 1.0.0.X1 < 1.0.0-X2: a trailing .X is read as -X.
    if (!isNumber && list.items.length > 0) openSubList();
    list.items.push(parseItem(isCombination, isNumber, version.slice(start)));
  }
  for (const sub of lists.reverse()) normalize(sub);
  return root;
}

function comparableQualifier(qualifier: string): string {
  if (RELEASE_QUALIFIERS.includes(qualifier)) return RELEASE_INDEX;
  const index = QUALIFIERS.indexOf(qualifier);
  return index === -1 ? `${QUALIFIERS.length}-${qualifier}` : String(index);
}

/** `Item.compareTo`: `b` null means "nothing at this place" (the other version is shorter). */
function compareItems(a: Item, b: Item | null): VersionOrder {
  switch (a.kind) {
    case 'number':
      if (b === null) return isNull(a) ? 0 : 1;
      if (b.kind !== 'number') return 1;
      return a.width !== b.width ? signOf(a.width - b.width) : compareDigitStrings(a.digits, b.digits);
    case 'string':
      if (b === null) return compareStrings(comparableQualifier(a.value), RELEASE_INDEX);
      if (b.kind === 'string') return compareStrings(comparableQualifier(a.value), comparableQualifier(b.value));
      if (b.kind === 'combination') return compareItems(a, b.qualifier) || -1;
      return -1;
    case 'combination':
      if (b === null) return compareItems(a.qualifier, null);
      if (b.kind === 'string') return compareItems(a.qualifier, b) || 1;
      if (b.kind === 'combination') return compareItems(a.qualifier, b.qualifier) || compareItems(a.number, b.number);
      return -1;
    case 'list':
      if (b === null) {
        for (const item of a.items) {
          const result = compareItems(item, null);
          if (result !== 0) return result;
        }
        return 0;
      }
      if (b.kind === 'number') return -1;
      if (b.kind !== 'list') return 1;
      for (let i = 0; i < Math.max(a.items.length, b.items.length); i++) {
        const left = a.items[i];
        const right = b.items[i];
        const result = left === undefined ? (right === undefined ? 0 : signOf(-compareItems(right, null))) : compareItems(left, right ?? null);
        if (result !== 0) return result;
      }
      return 0;
  }
}

export function compareMavenVersions(a: string, b: string): VersionOrder {
  return compareItems(parseMavenVersion(a), parseMavenVersion(b));
}
