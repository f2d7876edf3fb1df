import { AppError } from '../../errors/app-error';
import type { KbEcosystem } from '../../kb/kb-types';
import { compareApkVersions } from './apk';
import { compareDpkgVersions } from './dpkg';
import { compareGenericVersions } from './generic';
import { compareGoVersions } from './go';
import { compareMavenVersions } from './maven';
import { comparePep440 } from './pep440';
import { compareRpmVersions } from './rpm';
import { compareSemver } from './semver';
import type { VersionComparer } from './version-common';

/** The comparer of each version scheme; detection drivers pick one by the ecosystem of what they match. */
const VERSION_COMPARERS = {
  deb: compareDpkgVersions,
  rpm: compareRpmVersions,
  apk: compareApkVersions,
  semver: compareSemver,
  npm: compareSemver,
  pypi: comparePep440,
  maven: compareMavenVersions,
  go: compareGoVersions,
  generic: compareGenericVersions,
} satisfies Record<string, VersionComparer>;

export type VersionScheme = keyof typeof VERSION_COMPARERS;

export function versionComparerFor(scheme: string): VersionComparer {
  if (!Object.hasOwn(VERSION_COMPARERS, scheme)) {
    throw new AppError('BAD_INPUT', `Unknown version scheme ${JSON.stringify(scheme)} (known: ${Object.keys(VERSION_COMPARERS).join(', ')})`);
  }
  return VERSION_COMPARERS[scheme as VersionScheme];
}

/**
 * The scheme of a KB ecosystem. crates.io and Hex order by SemVer 2.0 too; NVD's CPE ranges use the generic
 * comparer. Ecosystems without an exact comparer yet (NuGet, RubyGems, Packagist, Pub, GitHub Actions, Bitnami,
 * other) have none: a driver must not fall back to a guess.
 */
const ECOSYSTEM_SCHEMES: Partial<Record<KbEcosystem, VersionScheme>> = {
  deb: 'deb',
  rpm: 'rpm',
  apk: 'apk',
  npm: 'npm',
  PyPI: 'pypi',
  Maven: 'maven',
  Go: 'go',
  'crates.io': 'semver',
  Hex: 'semver',
  cpe: 'generic',
};

export function versionSchemeOfEcosystem(ecosystem: KbEcosystem): VersionScheme | undefined {
  return ECOSYSTEM_SCHEMES[ecosystem];
}
