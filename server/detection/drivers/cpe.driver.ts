import { isAppError } from '../../errors/app-error';
import type { Inventory } from '../../inventory/inventory.schema';
import { splitCpe23 } from '../../kb/importers/nvd.importer';
import type { AffectedEntry, DetectionDriver, DetectionRecord, DetectionSubject, Verdict } from '../detection-types';
import { compareGenericVersions } from '../versions/generic';
import { describeRange, isInRange } from './range-match';

/**
 * Services (banner / CPE inference) against NVD configurations, as the NVD importer stores them: every cpeMatch of
 * every configuration, flattened into `affected` entries with `vulnerable` (false = a platform condition, "running
 * on") and one range. The importer does not keep the node tree, so:
 *
 * - a service matches a `vulnerable: true` entry of its vendor:product whose version (CPE version + update, e.g.
 *   9.2 + p1) is in the range, or whose CPE names exactly its version (and update, unless the entry's is `*`);
 * - when the record has platform conditions (`vulnerable: false`), one of them must match a CPE of the host (its OS
 *   CPE derived from os-release, or one of its services) — the AND of NVD's "running on" configurations; when none
 *   does, there is no finding;
 * - a distro's own data outranks NVD: when the record has an entry of the host's distribution for a package that is
 *   installed, the distro driver has decided and the CPE match is dropped (backports);
 * - every CPE finding is `potential`: a banner is not package evidence.
 */

interface CpeParts {
  vendorProduct: string;
  version: string;
  update: string;
}

const unescape = (value: string) => value.replace(/\\(.)/g, '$1');
const isAny = (value: string) => value === '*' || value === '' || value === '-';

function partsOf(cpe: string): CpeParts | null {
  const parts = splitCpe23(cpe);
  if (!parts) return null;
  return { vendorProduct: `${parts[3]}:${parts[4]}`, version: unescape(parts[5]!), update: unescape(parts[6]!) };
}

/** The host's OS as NVD names it (platform conditions of "running on" configurations). */
function osCpe(inventory: Inventory): CpeParts | null {
  const { name, version } = inventory.os;
  const vendorProduct = { debian: 'debian:debian_linux', ubuntu: 'canonical:ubuntu_linux', alpine: 'alpinelinux:alpine_linux', rhel: 'redhat:enterprise_linux' }[name];
  return vendorProduct && version ? { vendorProduct, version, update: '*' } : null;
}

const comparable = (parts: CpeParts) => (isAny(parts.update) ? parts.version : `${parts.version}${parts.update}`);

function entryMatches(entry: AffectedEntry, host: CpeParts): { range: string; fixed: string | null } | null {
  const wanted = entry.cpe ? partsOf(entry.cpe) : null;
  if (!wanted || wanted.vendorProduct !== host.vendorProduct) return null;
  const ranges = entry.ranges ?? [];
  // A CPE naming one version (the importer adds the range [v, v] for it): that version, and its update unless `*`.
  if (!isAny(wanted.version)) {
    if (compareGenericVersions(host.version, wanted.version) !== 0) return null;
    if (!isAny(wanted.update) && wanted.update.toLowerCase() !== host.update.toLowerCase()) return null;
    return { range: `= ${wanted.version}${isAny(wanted.update) ? '' : ` ${wanted.update}`}`, fixed: null };
  }
  if (wanted.version === '-') return null;
  if (ranges.length === 0) return wanted.version === '*' ? { range: 'all versions', fixed: null } : null;
  const version = comparable(host);
  const range = ranges.find((r) => isInRange(version, r, compareGenericVersions));
  return range ? { range: describeRange(range), fixed: range.fixed ?? null } : null;
}

const hostCpes = new WeakMap<Inventory, { cpes: CpeParts[]; packageNames: Set<string> }>();

function hostFacts(inventory: Inventory) {
  let facts = hostCpes.get(inventory);
  if (!facts) {
    const cpes = inventory.services.map((s) => (s.cpe ? partsOf(s.cpe) : null)).filter((p): p is CpeParts => p !== null);
    const os = osCpe(inventory);
    if (os) cpes.push(os);
    const packageNames = new Set(inventory.packages.flatMap((p) => [p.name, p.source ?? p.name]));
    facts = { cpes, packageNames };
    hostCpes.set(inventory, facts);
  }
  return facts;
}

function distroDecides(record: DetectionRecord, inventory: Inventory, packageNames: Set<string>): boolean {
  return (record.affected as AffectedEntry[]).some((entry) => entry.distro === inventory.os.name && packageNames.has(entry.package) && entry.ecosystem !== 'cpe');
}

export const cpeDriver: DetectionDriver = {
  id: 'cpe',
  subjects(ctx) {
    const out: DetectionSubject[] = [];
    ctx.inventory.services.forEach((service, index) => {
      if (!service.cpe) return;
      const parts = partsOf(service.cpe);
      if (!parts) {
        ctx.problems.push({ at: `services[${index}]`, message: `unreadable CPE 2.3 name ${JSON.stringify(service.cpe.slice(0, 120))}` });
        return;
      }
      if (isAny(parts.version)) {
        ctx.problems.push({ at: `services[${index}]`, message: `the CPE ${service.cpe} names no version; not matched` });
        return;
      }
      out.push({ at: `services[${index}]`, keys: [`cpe:${parts.vendorProduct}`], package: parts.vendorProduct, sourcePackage: null, ecosystem: 'cpe', version: comparable(parts), port: service.port, data: parts });
    });
    return out;
  },
  evaluate(subject, record, ctx): Verdict {
    const host = subject.data as CpeParts;
    const affected = record.affected as AffectedEntry[];
    try {
      let hit: { entry: AffectedEntry; range: string; fixed: string | null } | null = null;
      for (const entry of affected) {
        if (entry.ecosystem !== 'cpe' || entry.vulnerable === false || entry.package !== host.vendorProduct) continue;
        const match = entryMatches(entry, host);
        if (match) {
          hit = { entry, ...match };
          break;
        }
      }
      if (!hit) return { kind: 'none' };
      const facts = hostFacts(ctx.inventory);
      const platforms = affected.filter((entry) => entry.ecosystem === 'cpe' && entry.vulnerable === false);
      if (platforms.length > 0 && !platforms.some((entry) => facts.cpes.some((cpe) => cpe !== host && safeMatch(entry, cpe)))) return { kind: 'none' };
      if (distroDecides(record, ctx.inventory, facts.packageNames)) return { kind: 'none' };
      const rule = `nvd ${hit.entry.cpe} ${hit.range}${platforms.length ? ' (running-on condition met)' : ''}`;
      return { kind: 'finding', entry: hit.entry, fixedVersion: hit.fixed, unfixed: hit.fixed === null, rule, confidence: 'potential' };
    } catch (error) {
      if (isAppError(error)) return { kind: 'problem', message: error.message };
      throw error;
    }
  },
};

function safeMatch(entry: AffectedEntry, cpe: CpeParts): boolean {
  try {
    return entryMatches(entry, cpe) !== null;
  } catch {
    return false;
  }
}
