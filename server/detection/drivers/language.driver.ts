import { isAppError } from '../../errors/app-error';
import type { PackageEcosystem } from '../../inventory/inventory.schema';
import type { KbEcosystem } from '../../kb/kb-types';
import type { AffectedEntry, DetectionDriver, DetectionSubject, Verdict } from '../detection-types';
import { versionComparerFor, versionSchemeOfEcosystem } from '../versions/version-schemes';
import { describeRange, isInRange } from './range-match';

/** Inventory ecosystems of language packages → the KB (OSV) ecosystem names. */
const LANGUAGE_ECOSYSTEMS: Partial<Record<PackageEcosystem, KbEcosystem>> = {
  npm: 'npm',
  pypi: 'PyPI',
  maven: 'Maven',
  go: 'Go',
  cargo: 'crates.io',
  gem: 'RubyGems',
  nuget: 'NuGet',
  composer: 'Packagist',
};

/** PEP 503 name normalisation: PyPI names compare case-insensitively with `-`, `_`, `.` equivalent. */
const pypiName = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

interface LanguageData {
  kbEcosystem: KbEcosystem;
}

/**
 * Language packages (npm, PyPI, Go, Maven, crates.io…) against OSV ranges and enumerated versions, with the
 * ecosystem's own comparer. An ecosystem without an exact comparer (RubyGems, NuGet, Packagist) is reported once,
 * never compared by guess; a range with a version the comparer cannot read is a problem, not a finding.
 */
export const languageDriver: DetectionDriver = {
  id: 'language',
  subjects(ctx) {
    const out: DetectionSubject[] = [];
    const noComparer = new Map<string, number>();
    ctx.inventory.packages.forEach((item, index) => {
      const kbEcosystem = LANGUAGE_ECOSYSTEMS[item.ecosystem];
      if (!kbEcosystem) return;
      if (!versionSchemeOfEcosystem(kbEcosystem)) {
        noComparer.set(item.ecosystem, (noComparer.get(item.ecosystem) ?? 0) + 1);
        return;
      }
      const names = kbEcosystem === 'PyPI' ? [item.name, pypiName(item.name)] : [item.name];
      const keys = [...new Set(names.map((name) => `${kbEcosystem}:${name}`))];
      out.push({ at: `packages[${index}]`, keys, package: item.name, sourcePackage: null, ecosystem: item.ecosystem, version: item.version, item, data: { kbEcosystem } satisfies LanguageData });
    });
    for (const [ecosystem, count] of noComparer) {
      ctx.problems.push({ at: `packages (${ecosystem})`, message: `no exact version comparer for ${ecosystem} yet; ${count} packages were not matched` });
    }
    return out;
  },
  evaluate(subject, record): Verdict {
    const { kbEcosystem } = subject.data as LanguageData;
    const same = (name: string) => (kbEcosystem === 'PyPI' ? pypiName(name) === pypiName(subject.package) : name === subject.package);
    const entries = (record.affected as AffectedEntry[]).filter((entry) => entry.ecosystem === kbEcosystem && same(entry.package));
    if (entries.length === 0) return { kind: 'none' };
    const compare = versionComparerFor(versionSchemeOfEcosystem(kbEcosystem)!);
    try {
      compare(subject.version, subject.version);
      for (const entry of entries) {
        if (entry.status === 'not-affected') continue;
        if (entry.versions?.includes(subject.version)) {
          return { kind: 'finding', entry, fixedVersion: entry.fixedVersion ?? null, unfixed: !entry.fixedVersion, rule: `${entry.source} ${kbEcosystem} ${entry.package} version ${subject.version} listed${entry.advisory ? ` (${entry.advisory})` : ''}`, confidence: 'confirmed' };
        }
        const range = (entry.ranges ?? []).find((r) => isInRange(subject.version, r, compare));
        if (range) {
          const fixed = range.fixed ?? null;
          return { kind: 'finding', entry, fixedVersion: fixed, unfixed: fixed === null, rule: `${entry.source} ${kbEcosystem} ${entry.package} ${describeRange(range)}${entry.advisory ? ` (${entry.advisory})` : ''}`, confidence: 'confirmed' };
        }
      }
      return { kind: 'none' };
    } catch (error) {
      if (isAppError(error)) return { kind: 'problem', message: error.message };
      throw error;
    }
  },
};
