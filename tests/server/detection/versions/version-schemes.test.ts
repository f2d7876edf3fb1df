import { describe, expect, it } from 'vitest';
import type { KbEcosystem } from '../../../../server/kb/kb-types';
import { versionComparerFor, versionSchemeOfEcosystem, type VersionScheme } from '../../../../server/detection/versions/version-schemes';
import { expectBadInput } from './version-test-helpers';

describe('versionComparerFor', () => {
  // One pair per scheme that only that scheme's rules order this way.
  it.each<[VersionScheme, string, string, -1 | 0 | 1]>([
    ['deb', '1.0~rc1', '1.0', -1],
    ['rpm', '1.0^git1', '1.0', 1],
    ['apk', '1.0_p1', '1.0', 1],
    ['semver', '1.0.0-rc.1', '1.0.0', -1],
    ['npm', '1.0.0+build', '1.0.0', 0],
    ['pypi', '1.0.post1', '1.0', 1],
    ['maven', '1.0-SNAPSHOT', '1.0', -1],
    ['go', 'v1.2', 'v1.2.0', 0],
    ['generic', '9.2p1', '9.2', 1],
  ])('%s', (scheme, a, b, expected) => {
    expect(versionComparerFor(scheme)(a, b)).toBe(expected);
  });

  it.each(['nuget', 'Deb', 'toString', '__proto__', ''])('refuses the unknown scheme %j', (scheme) => {
    expectBadInput(() => versionComparerFor(scheme), 'Unknown version scheme');
  });
});

describe('versionSchemeOfEcosystem', () => {
  it.each<[KbEcosystem, VersionScheme | undefined]>([
    ['deb', 'deb'],
    ['rpm', 'rpm'],
    ['apk', 'apk'],
    ['npm', 'npm'],
    ['PyPI', 'pypi'],
    ['Maven', 'maven'],
    ['Go', 'go'],
    ['crates.io', 'semver'],
    ['Hex', 'semver'],
    ['cpe', 'generic'],
    ['NuGet', undefined],
    ['RubyGems', undefined],
    ['Packagist', undefined],
    ['other', undefined],
  ])('%s → %s', (ecosystem, scheme) => {
    expect(versionSchemeOfEcosystem(ecosystem)).toBe(scheme);
  });
});
