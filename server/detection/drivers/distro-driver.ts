import { isAppError } from '../../errors/app-error';
import type { InventoryOs, InventoryPackage } from '../../inventory/inventory.schema';
import type { KbEcosystem, KbSourceId } from '../../kb/kb-types';
import type { AffectedEntry, DetectionContext, DetectionDriver, DetectionSubject, Verdict } from '../detection-types';
import { versionComparerFor, type VersionScheme } from '../versions/version-schemes';
import type { VersionComparer } from '../versions/version-common';
import { describeRange, isInRange } from './range-match';

/**
 * The shared logic of the OS-package drivers (debian/ubuntu, alpine, rhel family). A driver names the package
 * ecosystem, the distro and release of the host, and which package name an entry speaks of.
 *
 * Rules (README "Detection"):
 * - only entries of the host's distro and release count (an entry without a release counts for every release);
 *   NVD CPE ranges are never used for a distro package — the distro's own data outranks them (backports);
 * - the distro's primary source outranks secondary ones (PRIMARY_ORDER): the OVAL / secdb data, then the tracker,
 *   then OSV's copy; within the deciding source, `not-affected` anywhere → no finding, `unfixed` → a finding marked
 *   unfixed, otherwise affected when the installed version is below the (highest) fixed version;
 * - fixed in `0` means never affected;
 * - a version the comparer cannot read is a problem, never a finding.
 */
export interface DistroSpec {
  id: string;
  ecosystem: Extract<KbEcosystem, 'deb' | 'apk' | 'rpm'>;
  scheme: VersionScheme;
  /** The host's distro (`debian`, `ubuntu`, `alpine`, `almalinux`…) and release (`bookworm`, `v3.20`, `9`), or a problem. */
  releaseOf(os: InventoryOs): { distro: string; release: string } | { problem: string };
}

const SOURCE_ORDER: KbSourceId[] = ['debian-oval', 'ubuntu-oval', 'alpine-secdb', 'debian-tracker', 'osv'];
const sourceRank = (source: KbSourceId) => {
  const index = SOURCE_ORDER.indexOf(source);
  return index === -1 ? SOURCE_ORDER.length : index;
};

interface DistroSubjectData {
  distro: string;
  release: string;
  binary: string;
  source: string;
  binaryVersion: string;
  sourceVersion: string;
}

export function createDistroDriver(spec: DistroSpec): DetectionDriver {
  const compare: VersionComparer = versionComparerFor(spec.scheme);
  return {
    id: spec.id,
    subjects(ctx: DetectionContext): DetectionSubject[] {
      const own = ctx.inventory.packages.map((item, index) => ({ item, index })).filter(({ item }) => item.ecosystem === spec.ecosystem);
      if (own.length === 0) return [];
      const release = spec.releaseOf(ctx.inventory.os);
      if ('problem' in release) {
        ctx.problems.push({ at: 'os', message: `${release.problem}; ${own.length} ${spec.ecosystem} packages were not matched` });
        return [];
      }
      return own.map(({ item, index }) => subjectOf(item, index, release));
    },
    evaluate(subject, record, ctx): Verdict {
      void ctx;
      const data = subject.data as DistroSubjectData;
      const entries = (record.affected as AffectedEntry[]).filter((entry) => appliesTo(entry, data));
      if (entries.length === 0) return { kind: 'none' };
      const best = Math.min(...entries.map((entry) => sourceRank(entry.source)));
      const deciding = entries.filter((entry) => sourceRank(entry.source) === best);
      const installed = usesSource(deciding[0]!) ? data.sourceVersion : data.binaryVersion;
      try {
        compare(installed, installed); // an unreadable installed version is reported even when no entry needs it
        if (deciding.some((entry) => entry.status === 'not-affected' || entry.fixedVersion === '0')) return { kind: 'none' };
        const unfixed = deciding.find((entry) => entry.status === 'unfixed' && !entry.fixedVersion && !entry.ranges?.length);
        if (unfixed) return { kind: 'finding', entry: unfixed, fixedVersion: null, unfixed: true, rule: ruleOf(unfixed, data, 'unfixed'), confidence: 'confirmed' };
        let chosen: { entry: AffectedEntry; fixed: string | null; text: string } | null = null;
        for (const entry of deciding) {
          const version = usesSource(entry) ? data.sourceVersion : data.binaryVersion;
          if (entry.fixedVersion) {
            if (compare(version, entry.fixedVersion) < 0 && (!chosen || chosen.fixed === null || compare(entry.fixedVersion, chosen.fixed) > 0)) {
              chosen = { entry, fixed: entry.fixedVersion, text: `fixed ${entry.fixedVersion}` };
            }
          } else {
            const range = (entry.ranges ?? []).find((r) => isInRange(version, r, compare));
            const exact = entry.versions?.includes(version);
            if ((range || exact) && !chosen) chosen = { entry, fixed: range?.fixed ?? null, text: range ? describeRange(range) : `version ${version} listed` };
          }
        }
        if (!chosen) return { kind: 'none' };
        return { kind: 'finding', entry: chosen.entry, fixedVersion: chosen.fixed, unfixed: chosen.fixed === null, rule: ruleOf(chosen.entry, data, chosen.text), confidence: 'confirmed' };
      } catch (error) {
        if (isAppError(error)) return { kind: 'problem', message: error.message };
        throw error;
      }
    },
  };

  function subjectOf(item: InventoryPackage, index: number, release: { distro: string; release: string }): DetectionSubject {
    const binary = item.name.replace(/:[a-z0-9]+$/, '');
    const source = item.source ?? binary;
    const data: DistroSubjectData = { ...release, binary, source, binaryVersion: item.version, sourceVersion: item.sourceVersion ?? item.version };
    const keys = [...new Set([`${spec.ecosystem}:${binary}`, `${spec.ecosystem}:${source}`])];
    return { at: `packages[${index}]`, keys, package: binary, sourcePackage: item.source ?? null, ecosystem: spec.ecosystem, version: item.version, item, data };
  }

  /** Debian's data names source packages; Ubuntu OVAL names binaries (`sourcePackage: false`); apk origins; rpm either. */
  function usesSource(entry: AffectedEntry): boolean {
    return entry.sourcePackage === true || (spec.ecosystem === 'apk' && entry.sourcePackage !== false);
  }

  function appliesTo(entry: AffectedEntry, data: DistroSubjectData): boolean {
    if (entry.ecosystem !== spec.ecosystem || entry.distro !== data.distro) return false;
    if (entry.release !== undefined && entry.release !== data.release) return false;
    if (spec.ecosystem === 'rpm') return entry.package === data.binary || entry.package === data.source;
    return entry.package === (usesSource(entry) ? data.source : data.binary);
  }
}

function ruleOf(entry: AffectedEntry, data: DistroSubjectData, what: string): string {
  return `${entry.source} ${entry.release ?? `${data.distro} (every release)`} ${entry.package} ${what}${entry.advisory ? ` (${entry.advisory})` : ''}`;
}
