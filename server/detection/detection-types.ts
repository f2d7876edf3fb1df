import type { Inventory, InventoryPackage } from '../inventory/inventory.schema';
import type { KbAffectedPackage, KbSourceId } from '../kb/kb-types';
import type { KbVulnerability } from '../models/kb-vulnerability.model';

/**
 * One finding (SPEC.md §4): a vulnerability of one installed package (or service), with the evidence that
 * decided it. One finding per (vulnId, package, ecosystem).
 */
export interface Finding {
  /** The KB record's key: the CVE id, or the advisory id for vulnerabilities without one. */
  vulnId: string;
  vglId: string;
  cves: string[];
  /** Binary package name (or `vendor:product` of a service's CPE). */
  package: string;
  /** The source package (Debian/Ubuntu, rpm), the origin (Alpine), or null. */
  sourcePackage: string | null;
  /** deb, apk, rpm, npm, pypi… or `cpe` for a service. */
  ecosystem: string;
  installedVersion: string;
  /** First fixed version, null when there is none (`unfixed: true`) or the rule names none (NVD end-including ranges). */
  fixedVersion: string | null;
  unfixed: boolean;
  /** The KB source whose statement matched: debian-oval, ubuntu-oval, alpine-secdb, debian-tracker, osv, nvd. */
  source: KbSourceId;
  /** The affected entry that matched, in words: `debian-oval bookworm openssl fixed 3.0.11-1~deb12u2 (DSA-5532-1)`. */
  rule: string;
  /** confirmed: package evidence from the host; potential: inferred from a banner / CPE. */
  confidence: 'confirmed' | 'potential';
  severity: string;
  cvss: number | null;
  epss: number | null;
  kev: boolean;
  /** Services only: where the service listens. */
  port?: number;
}

export interface DetectionProblem {
  /** Where: `packages[12] openssl`, `os`, `services[0]`… */
  at: string;
  message: string;
}

/** What detection reads of a KB record. */
export type DetectionRecord = Pick<KbVulnerability, '_id' | 'vglId' | 'aliases' | 'severity' | 'cvssScore' | 'epss' | 'kevListed' | 'affected' | 'affectedPackages'> & { rejected?: boolean };

export const DETECTION_RECORD_PROJECTION = { _id: 1, vglId: 1, aliases: 1, severity: 1, cvssScore: 1, epss: 1, kevListed: 1, affected: 1, affectedPackages: 1, rejected: 1 } as const;

export type AffectedEntry = KbAffectedPackage & { source: KbSourceId };

/** One thing on the host a driver matches: a package (or a service), and the KB package keys to look it up by. */
export interface DetectionSubject {
  /** `packages[3]`, `services[0]`. */
  at: string;
  /** `ecosystem:package` keys as kb-merge.ts builds `affectedPackages`. */
  keys: string[];
  package: string;
  sourcePackage: string | null;
  ecosystem: string;
  version: string;
  /** The original package entry, when the subject is a package. */
  item?: InventoryPackage;
  port?: number;
  /** Driver-specific data (CPE parts of a service…). */
  data?: unknown;
}

/** The verdict of one driver on one subject for one KB record. */
export type Verdict =
  | { kind: 'none' }
  | { kind: 'problem'; message: string }
  | { kind: 'finding'; entry: AffectedEntry; fixedVersion: string | null; unfixed: boolean; rule: string; confidence: 'confirmed' | 'potential' };

export interface DetectionContext {
  inventory: Inventory;
  problems: DetectionProblem[];
}

export interface DetectionDriver {
  id: string;
  /** The subjects of the inventory this driver matches (reports per-item problems into ctx.problems). */
  subjects(ctx: DetectionContext): DetectionSubject[];
  evaluate(subject: DetectionSubject, record: DetectionRecord, ctx: DetectionContext): Verdict;
}
