import { badVersion, compareDigitStrings, compareStrings, isDigit, requireVersionText, signOf, type VersionOrder } from './version-common';

/**
 * Upstream product versions as NVD and service banners write them (OpenSSH `9.2p1`, OpenSSL `1.1.1w`/`1.0.2zj`,
 * `2.4.57`, `1.1_rc2`), where no ecosystem defines the order. The rules:
 *
 * - case-insensitive; a leading `v` before a digit is dropped;
 * - the version is read as runs of digits and runs of letters; `. - _ + ~ : ( )` only separate them;
 * - numbers compare numerically, and a missing number counts as 0 (2.4 = 2.4.0);
 * - dev < alpha < beta < pre = preview < rc are pre-release words: below the version without them and below any
 *   other part (1.0rc1 < 1.0 < 1.0.1);
 * - any other letters compare alphabetically (1.1.1w < 1.1.1za), sort after the version without them (9.2 < 9.2p1,
 *   1.1.1 < 1.1.1a) and below a number at the same place (1.0a < 1.0.1).
 */

const SCHEME = 'generic';
const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+~:()-]*$/;
const PRE_RELEASE_RANKS = new Map([
  ['dev', 0],
  ['alpha', 1],
  ['beta', 2],
  ['pre', 3],
  ['preview', 3],
  ['rc', 4],
]);

/** The version's runs of digits and of letters, lower-cased; throws when `input` is not a readable version. */
export function parseGenericVersion(input: string): string[] {
  const text = requireVersionText(SCHEME, input);
  if (!VERSION_PATTERN.test(text)) {
    throw badVersion(SCHEME, text, 'must start with a letter or digit and contain only letters, digits and . - _ + ~ : ( )');
  }
  return text.replace(/^[vV](?=[0-9])/, '').toLowerCase().match(/[0-9]+|[a-z]+/g) ?? [];
}

/** How a part compares with the absence of a part at the same place. */
function compareWithNothing(token: string): VersionOrder {
  if (isDigit(token[0])) return /^0+$/.test(token) ? 0 : 1;
  return PRE_RELEASE_RANKS.has(token) ? -1 : 1;
}

function compareTokens(a: string, b: string): VersionOrder {
  const numberA = isDigit(a[0]);
  const numberB = isDigit(b[0]);
  if (numberA && numberB) return compareDigitStrings(a, b);
  if (numberA !== numberB) return numberA ? 1 : -1;
  const rankA = PRE_RELEASE_RANKS.get(a);
  const rankB = PRE_RELEASE_RANKS.get(b);
  if (rankA !== undefined && rankB !== undefined) return signOf(rankA - rankB);
  if (rankA !== undefined || rankB !== undefined) return rankA !== undefined ? -1 : 1;
  return compareStrings(a, b);
}

export function compareGenericVersions(a: string, b: string): VersionOrder {
  const x = parseGenericVersion(a);
  const y = parseGenericVersion(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const left = x[i];
    const right = y[i];
    const result = left === undefined ? signOf(-compareWithNothing(right!)) : right === undefined ? compareWithNothing(left) : compareTokens(left, right);
    if (result !== 0) return result;
  }
  return 0;
}
