import { compareParsedSemver, matchSemver, type SemVer } from './semver';
import { badVersion, requireVersionText, type VersionOrder } from './version-common';

/**
 * Go module versions as golang.org/x/mod/semver orders them: semantic versions with a leading `v`, where `v1` and
 * `v1.2` stand for `v1.0.0` and `v1.2.0`. Pseudo-versions (`v0.0.0-20191109021931-daa7c04131f5`,
 * `v1.2.4-0.20191109021931-daa7c04131f5`) are pre-releases and order by their timestamp like any pre-release;
 * `+incompatible` is build metadata and does not take part in the order.
 *
 * The `v` may be left out, as OSV's Go ecosystem writes versions (`1.2.3`, and `0` for "from the first version").
 */

const SCHEME = 'Go';
const SHORTHAND_PATTERN = /^v(0|[1-9][0-9]*)(?:\.(0|[1-9][0-9]*))?$/;

function parseGoVersion(input: string): SemVer {
  const text = requireVersionText(SCHEME, input);
  const withV = text.startsWith('v') ? text : `v${text}`;
  const shorthand = SHORTHAND_PATTERN.exec(withV);
  const parsed = matchSemver(shorthand ? `v${shorthand[1]}.${shorthand[2] ?? '0'}.0` : withV);
  if (!parsed) throw badVersion(SCHEME, text, 'expected vMAJOR[.MINOR[.PATCH[-PRERELEASE][+BUILD]]] without leading zeros');
  return parsed;
}

export function compareGoVersions(a: string, b: string): VersionOrder {
  return compareParsedSemver(parseGoVersion(a), parseGoVersion(b));
}
