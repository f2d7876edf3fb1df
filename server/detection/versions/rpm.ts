import { badVersion, compareDigitStrings, compareStrings, digitRunAt, isAsciiLetter, isDigit, requireVersionText, type VersionOrder } from './version-common';

/**
 * RPM EVR strings, `[epoch:]version[-release]`, ordered as rpm orders them (`rpm.labelCompare` of rpm 4.18): epochs
 * (absent = 0), then versions, then releases, each with `rpmvercmp`. A missing release sorts below any release
 * (`1.0` < `1.0-1`), as labelCompare has it.
 *
 * Versions and releases start with a letter or digit and may hold letters, digits and `. _ + ~ ^` (rpmbuild's
 * set without macro characters).
 */

const SCHEME = 'rpm';
const PART_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+~^]*$/;

interface RpmEvr {
  epoch: string;
  version: string;
  release: string | undefined;
}

function parseRpmEvr(input: string): RpmEvr {
  const text = requireVersionText(SCHEME, input);
  // Like rpm's parseEVR: an epoch is the leading digits when a colon follows them; the release follows the last "-".
  const epochMatch = /^([0-9]*):/.exec(text);
  if (epochMatch?.[1] === '') throw badVersion(SCHEME, text, 'the epoch before ":" is empty');
  const epoch = epochMatch?.[1] ?? '0';
  const rest = epochMatch ? text.slice(epochMatch[0].length) : text;
  const hyphen = rest.lastIndexOf('-');
  const version = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  const release = hyphen >= 0 ? rest.slice(hyphen + 1) : undefined;
  if (!PART_PATTERN.test(version)) {
    throw badVersion(SCHEME, text, 'expected [epoch:]version[-release]; version and release start with a letter or digit and hold only letters, digits and . _ + ~ ^');
  }
  if (release !== undefined && !PART_PATTERN.test(release)) {
    throw badVersion(SCHEME, text, 'the release after the last "-" must start with a letter or digit and hold only letters, digits and . _ + ~ ^');
  }
  return { epoch, version, release };
}

function isAlphanumeric(c: string | undefined): boolean {
  return isDigit(c) || isAsciiLetter(c);
}

function letterRunAt(text: string, index: number): string {
  let end = index;
  while (isAsciiLetter(text[end])) end++;
  return text.slice(index, end);
}

/** rpm's rpmvercmp (rpmio/rpmvercmp.c), segment by segment. */
function rpmvercmp(a: string, b: string): VersionOrder {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    // Anything but letters, digits, ~ and ^ only separates segments.
    while (i < a.length && !isAlphanumeric(a[i]) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !isAlphanumeric(b[j]) && b[j] !== '~' && b[j] !== '^') j++;

    // ~ sorts before everything, even the end of the string (1.0~rc1 < 1.0).
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    // ^ sorts after the end of the string but before anything else (1.0 < 1.0^git1 < 1.0.1).
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (i >= a.length || j >= b.length) break;

    const numeric = isDigit(a[i]);
    const segmentA = numeric ? digitRunAt(a, i) : letterRunAt(a, i);
    const segmentB = numeric ? digitRunAt(b, j) : letterRunAt(b, j);
    // Segments of different kinds: the numeric one is newer.
    if (segmentB === '') return numeric ? 1 : -1;
    const result = numeric ? compareDigitStrings(segmentA, segmentB) : compareStrings(segmentA, segmentB);
    if (result !== 0) return result;
    i += segmentA.length;
    j += segmentB.length;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

export function compareRpmVersions(a: string, b: string): VersionOrder {
  const x = parseRpmEvr(a);
  const y = parseRpmEvr(b);
  const byEpochAndVersion = rpmvercmp(x.epoch, y.epoch) || rpmvercmp(x.version, y.version);
  if (byEpochAndVersion !== 0) return byEpochAndVersion;
  if (x.release === undefined || y.release === undefined) return x.release === y.release ? 0 : x.release === undefined ? -1 : 1;
  return rpmvercmp(x.release, y.release);
}
