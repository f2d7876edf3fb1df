import { badVersion, compareDigitStrings, digitRunAt, isAsciiLetter, isDigit, requireVersionText, signOf, type VersionOrder } from './version-common';

/**
 * Debian package versions, `[epoch:]upstream_version[-debian_revision]`, ordered exactly as dpkg orders them
 * (Debian Policy §5.6.12; `verrevcmp` in dpkg's lib/dpkg/version.c).
 *
 * dpkg itself only warns about a version that breaks the policy's syntax (no leading digit, a character outside
 * the allowed set) and compares it anyway; here such a version is refused, as detection must not guess.
 */

const SCHEME = 'dpkg';
/** dpkg keeps the epoch in a C int. */
const MAX_EPOCH = 2 ** 31 - 1;
const UPSTREAM_PATTERN = /^[0-9][A-Za-z0-9.+~:-]*$/;
const REVISION_PATTERN = /^[A-Za-z0-9.+~]+$/;

interface DpkgVersion {
  epoch: string;
  upstream: string;
  revision: string;
}

function parseDpkgVersion(input: string): DpkgVersion {
  const text = requireVersionText(SCHEME, input);
  let rest = text;
  let epoch = '0';
  const colon = text.indexOf(':');
  if (colon >= 0) {
    epoch = text.slice(0, colon);
    rest = text.slice(colon + 1);
    if (!/^[0-9]+$/.test(epoch)) throw badVersion(SCHEME, text, 'the epoch (before the first ":") is not a number');
    if (compareDigitStrings(epoch, String(MAX_EPOCH)) > 0) throw badVersion(SCHEME, text, 'the epoch is too big');
  }
  // The revision starts after the LAST hyphen, so the upstream version may itself contain hyphens.
  const hyphen = rest.lastIndexOf('-');
  const upstream = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  const revision = hyphen >= 0 ? rest.slice(hyphen + 1) : '';
  if (hyphen >= 0 && revision === '') throw badVersion(SCHEME, text, 'the revision after the last "-" is empty');
  if (upstream === '') throw badVersion(SCHEME, text, 'the upstream version is empty');
  if (!UPSTREAM_PATTERN.test(upstream)) {
    throw badVersion(SCHEME, text, 'the upstream version must start with a digit and contain only letters, digits and . + ~ - :');
  }
  if (revision !== '' && !REVISION_PATTERN.test(revision)) {
    throw badVersion(SCHEME, text, 'the revision may contain only letters, digits and . + ~');
  }
  return { epoch, upstream, revision };
}

/** dpkg's weight of a non-digit: end of string and digits 0, `~` below everything, letters before other signs. */
function order(c: string | undefined): number {
  if (c === undefined || isDigit(c)) return 0;
  if (isAsciiLetter(c)) return c.charCodeAt(0);
  if (c === '~') return -1;
  return c.charCodeAt(0) + 256;
}

/** dpkg's verrevcmp: alternating non-digit and digit runs, compared by `order` and numerically. */
function verrevcmp(a: string, b: string): VersionOrder {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const ac = order(a[i]);
      const bc = order(b[j]);
      if (ac !== bc) return signOf(ac - bc);
      i++;
      j++;
    }
    const digitsA = digitRunAt(a, i);
    const digitsB = digitRunAt(b, j);
    const numeric = compareDigitStrings(digitsA, digitsB);
    if (numeric !== 0) return numeric;
    i += digitsA.length;
    j += digitsB.length;
  }
  return 0;
}

export function compareDpkgVersions(a: string, b: string): VersionOrder {
  const x = parseDpkgVersion(a);
  const y = parseDpkgVersion(b);
  return compareDigitStrings(x.epoch, y.epoch) || verrevcmp(x.upstream, y.upstream) || verrevcmp(x.revision, y.revision);
}
