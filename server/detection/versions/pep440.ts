import { badVersion, compareDigitStrings, compareIdentifiers, compareLists, compareStrings, requireVersionText, signOf, type VersionOrder } from './version-common';

/**
 * Python package versions (PEP 440, "Version specifiers" in the PyPA specifications), parsed with the
 * specification's own pattern and normalised as `packaging.version.Version` does: case-insensitive, optional
 * `v`, `.`/`-`/`_` separators, spellings alpha→a, beta→b, c/pre/preview→rc, rev/r→post, implicit numbers,
 * `1.0-1` as a post-release, and trailing zeros of the release ignored (1.0 == 1.0.0).
 *
 * Order (packaging's `_cmpkey`): epoch, release, then X.devN < X.aN < X.bN < X.rcN < X < X.postN, where a
 * pre- or post-release's own .devN comes before it; a local version (`+ubuntu1`) sorts after the same version
 * without one, its segments numeric above alphanumeric.
 */

const SCHEME = 'PEP 440';
const PEP440_PATTERN = new RegExp(
  '^\\s*v?' +
    '(?:([0-9]+)!)?' + // epoch
    '([0-9]+(?:\\.[0-9]+)*)' + // release
    '(?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?([0-9]+)?)?' + // pre-release
    '(?:-([0-9]+)|[-_.]?(post|rev|r)[-_.]?([0-9]+)?)?' + // post-release, implicit (1.0-1) or spelled out
    '(?:[-_.]?(dev)[-_.]?([0-9]+)?)?' + // development release
    '(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?' + // local version
    '\\s*$',
  'i',
);

const PRE_PHASES = new Map<string, string>([
  ['alpha', 'a'],
  ['a', 'a'],
  ['beta', 'b'],
  ['b', 'b'],
  ['c', 'rc'],
  ['pre', 'rc'],
  ['preview', 'rc'],
  ['rc', 'rc'],
]);

interface Pep440Version {
  epoch: string;
  release: string[];
  /** Phase a, b or rc ("a" < "b" < "rc" as strings) and its number. */
  pre?: [string, string];
  post?: string;
  dev?: string;
  local?: string[];
}

function parsePep440(input: string): Pep440Version {
  const text = requireVersionText(SCHEME, input);
  const m = PEP440_PATTERN.exec(text);
  if (!m) throw badVersion(SCHEME, text, 'expected [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]');
  const [, epoch = '0', release = '', prePhase, preNumber, implicitPost, postSpelling, postNumber, dev, devNumber, local] = m;
  // Trailing zeros do not count: 1.0 == 1.0.0.
  const parts = release.split('.');
  while (parts.length > 0 && /^0+$/.test(parts[parts.length - 1]!)) parts.pop();
  return {
    epoch,
    release: parts,
    pre: prePhase === undefined ? undefined : [PRE_PHASES.get(prePhase.toLowerCase())!, preNumber ?? '0'],
    post: implicitPost ?? (postSpelling === undefined ? undefined : (postNumber ?? '0')),
    dev: dev === undefined ? undefined : (devNumber ?? '0'),
    local: local?.toLowerCase().split(/[-_.]/),
  };
}

/** Absent parts sort below (`low`) or above (`high`) every present one. */
function compareOptional<T>(a: T | undefined, b: T | undefined, absent: 'low' | 'high', compare: (x: T, y: T) => VersionOrder): VersionOrder {
  if (a === undefined || b === undefined) {
    if (a === b) return 0;
    return (a === undefined) === (absent === 'low') ? -1 : 1;
  }
  return compare(a, b);
}

const comparePre = (a: [string, string], b: [string, string]) => compareStrings(a[0], b[0]) || compareDigitStrings(a[1], b[1]);

export function comparePep440(a: string, b: string): VersionOrder {
  const x = parsePep440(a);
  const y = parsePep440(b);
  // A bare development release (1.0.dev1) precedes the pre-releases of its version.
  const preRank = (v: Pep440Version) => (v.pre === undefined && v.post === undefined && v.dev !== undefined ? -1 : 0);
  return (
    compareDigitStrings(x.epoch, y.epoch) ||
    compareLists(x.release, y.release, compareDigitStrings) ||
    signOf(preRank(x) - preRank(y)) ||
    compareOptional(x.pre, y.pre, 'high', comparePre) ||
    compareOptional(x.post, y.post, 'low', compareDigitStrings) ||
    compareOptional(x.dev, y.dev, 'high', compareDigitStrings) ||
    compareOptional(x.local, y.local, 'low', (p, q) => compareLists(p, q, (s, t) => compareIdentifiers(s, t, 'strings')))
  );
}
