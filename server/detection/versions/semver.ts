import { badInput, badVersion, compareDigitStrings, compareIdentifiers, compareLists, requireVersionText, signOf, type VersionOrder } from './version-common';

/**
 * Semantic Versioning 2.0.0 precedence (semver.org §11), and npm's range syntax with the semantics of node-semver
 * (strict mode, pre-releases not included: github.com/npm/node-semver range.bnf and README "Advanced Range Syntax").
 *
 * A leading `v` is accepted (node-semver does the same); numbers have no leading zeros and any number of digits;
 * build metadata is ignored in comparisons.
 */

const NUMBER = '0|[1-9][0-9]*';
const PRERELEASE_ID = `(?:${NUMBER}|[0-9]*[A-Za-z-][0-9A-Za-z-]*)`;
const PRERELEASE = `${PRERELEASE_ID}(?:\\.${PRERELEASE_ID})*`;
const BUILD = '[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*';
const SEMVER_PATTERN = new RegExp(`^v?(${NUMBER})\\.(${NUMBER})\\.(${NUMBER})(?:-(${PRERELEASE}))?(?:\\+${BUILD})?$`);

export interface SemVer {
  major: string;
  minor: string;
  patch: string;
  prerelease: string[];
}

/** The parsed version, or undefined when `text` is not a semantic version. */
export function matchSemver(text: string): SemVer | undefined {
  const m = SEMVER_PATTERN.exec(text);
  return m ? { major: m[1]!, minor: m[2]!, patch: m[3]!, prerelease: m[4] === undefined ? [] : m[4].split('.') } : undefined;
}

function parseSemver(scheme: string, input: string): SemVer {
  const text = requireVersionText(scheme, input);
  const parsed = matchSemver(text);
  if (!parsed) throw badVersion(scheme, text, 'expected MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD] without leading zeros');
  return parsed;
}

export function compareParsedSemver(a: SemVer, b: SemVer): VersionOrder {
  const core = compareDigitStrings(a.major, b.major) || compareDigitStrings(a.minor, b.minor) || compareDigitStrings(a.patch, b.patch);
  if (core !== 0) return core;
  // A pre-release precedes its release; between pre-releases the identifiers decide.
  if (a.prerelease.length === 0 || b.prerelease.length === 0) return signOf(b.prerelease.length - a.prerelease.length);
  return compareLists(a.prerelease, b.prerelease, (x, y) => compareIdentifiers(x, y, 'numbers'));
}

export function compareSemver(a: string, b: string): VersionOrder {
  return compareParsedSemver(parseSemver('semver', a), parseSemver('semver', b));
}

// ---- npm ranges ----------------------------------------------------------------------------------------------

const MAX_RANGE_LENGTH = 1024;
const X = `${NUMBER}|x|X|\\*`;
const PARTIAL_PATTERN = new RegExp(`^v?(${X})(?:\\.(${X})(?:\\.(${X})(?:-(${PRERELEASE}))?(?:\\+${BUILD})?)?)?$`);
const OPERATOR_PATTERN = /^(<=|>=|<|>|=|~>|~|\^)?(.*)$/s;

type Operator = '<' | '<=' | '>' | '>=' | '=';

interface Comparator {
  operator: Operator;
  version: SemVer;
}

/** A version written with wildcards: an absent component is `x`, `X`, `*` or left out. */
interface PartialVersion {
  major?: string;
  minor?: string;
  patch?: string;
  prerelease: string[];
}

const isWildcard = (part: string | undefined) => part === undefined || part === 'x' || part === 'X' || part === '*';

function plusOne(digits: string): string {
  return (BigInt(digits) + 1n).toString();
}

function comparator(operator: Operator, major: string, minor: string, patch: string, prerelease: string[] = []): Comparator {
  return { operator, version: { major, minor, patch, prerelease } };
}

/** An upper bound that also keeps out the pre-releases of the bound itself (node-semver's `-0`). */
function below(major: string, minor: string, patch: string): Comparator {
  return comparator('<', major, minor, patch, ['0']);
}

const NOTHING = below('0', '0', '0');

function parsePartial(text: string, range: string): PartialVersion {
  const m = PARTIAL_PATTERN.exec(text);
  if (!m) throw badInput('npm range', range, `"${text}" is not a version or a version with x wildcards`);
  const [major, minor, patch] = [m[1], m[2], m[3]].map((part) => (isWildcard(part) ? undefined : part));
  if ((major === undefined && minor !== undefined) || (minor === undefined && patch !== undefined)) {
    throw badInput('npm range', range, `"${text}" has a number after a wildcard`);
  }
  return { major, minor, patch, prerelease: m[4] === undefined ? [] : m[4].split('.') };
}

/** `1.2.3`, `>=1.2`, `<1.x`, `=*`: an operator and a partial version. */
function primitiveComparators(operator: Operator | '', p: PartialVersion): Comparator[] {
  const { major, minor, patch } = p;
  if (major === undefined) return operator === '<' || operator === '>' ? [NOTHING] : [];
  if (minor === undefined) {
    switch (operator) {
      case '>':
        return [comparator('>=', plusOne(major), '0', '0')];
      case '>=':
        return [comparator('>=', major, '0', '0')];
      case '<':
        return [below(major, '0', '0')];
      case '<=':
        return [below(plusOne(major), '0', '0')];
      default:
        return [comparator('>=', major, '0', '0'), below(plusOne(major), '0', '0')];
    }
  }
  if (patch === undefined) {
    switch (operator) {
      case '>':
        return [comparator('>=', major, plusOne(minor), '0')];
      case '>=':
        return [comparator('>=', major, minor, '0')];
      case '<':
        return [below(major, minor, '0')];
      case '<=':
        return [below(major, plusOne(minor), '0')];
      default:
        return [comparator('>=', major, minor, '0'), below(major, plusOne(minor), '0')];
    }
  }
  return [comparator(operator || '=', major, minor, patch, p.prerelease)];
}

/** `~1.2.3`: patch-level changes; `~1`: minor-level changes. */
function tildeComparators(p: PartialVersion): Comparator[] {
  const { major, minor, patch } = p;
  if (major === undefined) return [];
  if (minor === undefined) return [comparator('>=', major, '0', '0'), below(plusOne(major), '0', '0')];
  return [comparator('>=', major, minor, patch ?? '0', patch === undefined ? [] : p.prerelease), below(major, plusOne(minor), '0')];
}

/** `^1.2.3`: changes that do not modify the left-most non-zero component. */
function caretComparators(p: PartialVersion): Comparator[] {
  const { major, minor, patch } = p;
  if (major === undefined) return [];
  if (minor === undefined) return [comparator('>=', major, '0', '0'), below(plusOne(major), '0', '0')];
  if (patch === undefined) {
    return [comparator('>=', major, minor, '0'), major === '0' ? below('0', plusOne(minor), '0') : below(plusOne(major), '0', '0')];
  }
  const upper = major !== '0' ? below(plusOne(major), '0', '0') : minor !== '0' ? below('0', plusOne(minor), '0') : below('0', '0', plusOne(patch));
  return [comparator('>=', major, minor, patch, p.prerelease), upper];
}

/** `1.2 - 2.3.4`: inclusive at both ends, a partial end covers everything it matches. */
function hyphenComparators(from: PartialVersion, to: PartialVersion): Comparator[] {
  const lower = from.major === undefined ? [] : [comparator('>=', from.major, from.minor ?? '0', from.patch ?? '0', from.patch === undefined ? [] : from.prerelease)];
  let upper: Comparator[] = [];
  if (to.major !== undefined) {
    if (to.minor === undefined) upper = [below(plusOne(to.major), '0', '0')];
    else if (to.patch === undefined) upper = [below(to.major, plusOne(to.minor), '0')];
    else upper = [comparator('<=', to.major, to.minor, to.patch, to.prerelease)];
  }
  return [...lower, ...upper];
}

function parseComparatorSet(set: string, range: string): Comparator[] {
  if (set === '') return [];
  const hyphen = /^(\S+) - (\S+)$/.exec(set);
  if (hyphen) return hyphenComparators(parsePartial(hyphen[1]!, range), parsePartial(hyphen[2]!, range));
  // `>= 1.2` and `~ 1.2` mean `>=1.2` and `~1.2`.
  const tokens = set.replace(/(<=|>=|<|>|=|~>|~|\^) /g, '$1').split(' ');
  return tokens.flatMap((token) => {
    const [, operator = '', rest = ''] = OPERATOR_PATTERN.exec(token)!;
    const partial = parsePartial(rest, range);
    if (operator === '~' || operator === '~>') return tildeComparators(partial);
    if (operator === '^') return caretComparators(partial);
    return primitiveComparators(operator as Operator | '', partial);
  });
}

function satisfiesComparator(version: SemVer, { operator, version: bound }: Comparator): boolean {
  const order = compareParsedSemver(version, bound);
  switch (operator) {
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case '=':
      return order === 0;
  }
}

function satisfiesSet(version: SemVer, set: Comparator[]): boolean {
  if (!set.every((c) => satisfiesComparator(version, c))) return false;
  // A pre-release only matches when a comparator of the same set names a pre-release of the same
  // MAJOR.MINOR.PATCH: `^1.2.3-beta.2` admits 1.2.3-beta.4 but not 1.2.4-alpha.
  if (version.prerelease.length === 0) return true;
  return set.some(
    ({ version: bound }) => bound.prerelease.length > 0 && bound.major === version.major && bound.minor === version.minor && bound.patch === version.patch,
  );
}

/** Whether `version` satisfies the npm range `range` (`^1.2.3 || >=2.0.0 <2.1.0-0`, `1.x`, `1.2 - 2`, …). */
export function satisfiesNpmRange(version: string, range: string): boolean {
  const parsed = parseSemver('npm', version);
  if (range.length > MAX_RANGE_LENGTH) throw badInput('npm range', range, `longer than ${MAX_RANGE_LENGTH} characters`);
  const sets = range
    .trim()
    .replace(/\s+/g, ' ')
    .split('||')
    .map((set) => parseComparatorSet(set.trim(), range));
  return sets.some((set) => satisfiesSet(parsed, set));
}
