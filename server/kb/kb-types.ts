/**
 * The normalised shapes every KB importer produces (SPEC §2.3). An importer reads one upstream
 * file in its original format and yields contributions; the KB store merges the contributions
 * of all sources that speak about one vulnerability into one KB record (kb-merge.ts).
 */

/** Upstream sources. Each importer belongs to exactly one. */
export const KB_SOURCES = ['nvd', 'kev', 'epss', 'osv', 'debian-oval', 'debian-tracker', 'alpine-secdb', 'ubuntu-oval', 'debian-tracker-json'] as const;
export type KbSourceId = (typeof KB_SOURCES)[number];

/** Package ecosystems, named as OSV names them where OSV has a name; `cpe` for NVD configurations. */
export type KbEcosystem =
  | 'deb'
  | 'apk'
  | 'rpm'
  | 'npm'
  | 'PyPI'
  | 'Go'
  | 'crates.io'
  | 'Maven'
  | 'NuGet'
  | 'RubyGems'
  | 'Packagist'
  | 'Pub'
  | 'Hex'
  | 'GitHub Actions'
  | 'Bitnami'
  | 'cpe'
  | 'other';

/**
 * One version range, bounds in the ecosystem's own version syntax. Absent bounds are open.
 * `introduced: '0'` means "from the first version".
 */
export interface KbVersionRange {
  introduced?: string;
  /** Start bound excluded (NVD versionStartExcluding). */
  introducedExclusive?: boolean;
  /** First version that is not affected (exclusive end). */
  fixed?: string;
  /** Last affected version (inclusive end). */
  lastAffected?: string;
}

export interface KbAffectedPackage {
  ecosystem: KbEcosystem;
  /** Distribution for distro ecosystems: debian, ubuntu, alpine, almalinux… */
  distro?: string;
  /** Distribution release: bookworm, jammy, v3.20, 9… Absent means every release. */
  release?: string;
  /** Alpine repository (main, community) where known. */
  repository?: string;
  /** Package name; for Debian/Ubuntu OVAL and the Debian tracker this is the SOURCE package. */
  package: string;
  /** Whether `package` names a source package (Debian keys on source packages). */
  sourcePackage?: boolean;
  /** For `cpe`: the CPE 2.3 match string; `vulnerable: false` entries are platform conditions. */
  cpe?: string;
  vulnerable?: boolean;
  status: 'fixed' | 'not-affected' | 'unfixed';
  /** Convenience: the fixed version when there is exactly one (distro data). */
  fixedVersion?: string;
  ranges?: KbVersionRange[];
  /** Explicitly enumerated affected versions (OSV `versions`). */
  versions?: string[];
  /** The advisory that states this (DSA-5380-1, USN-5960-1, GHSA-…). */
  advisory?: string;
}

export interface KbCvss {
  version: '2.0' | '3.0' | '3.1' | '4.0';
  vector: string;
  baseScore: number;
  severity?: string;
  /** Who scored it (nvd@nist.gov, a CNA, the distro…). */
  scoredBy?: string;
  /** NVD: Primary or Secondary. */
  type?: string;
}

export interface KbReference {
  url: string;
  tags?: string[];
}

export interface KbKevEntry {
  dateAdded: string;
  dueDate: string;
  requiredAction: string;
  knownRansomwareCampaignUse: string;
  vendorProject: string;
  product: string;
  vulnerabilityName: string;
  shortDescription?: string;
  notes?: string;
}

export interface KbEpssEntry {
  score: number;
  percentile: number;
  /** Day the score was computed (YYYY-MM-DD). */
  date: string;
  modelVersion?: string;
}

/**
 * What one source says about one vulnerability. `key` is the KB record it belongs to: the CVE
 * id when the vulnerability has one, otherwise the advisory's own id (GHSA-…, RUSTSEC-…).
 * A source record about several CVEs (a DSA, a USN) yields one contribution per CVE.
 */
export interface KbContribution {
  source: KbSourceId;
  /** Unique within the source and stable across imports (e.g. `DSA-5380-1/CVE-2023-1393`). */
  recordId: string;
  key: string;
  /** Every identifier naming this vulnerability: CVE, GHSA, DSA, DLA, USN, ALAS, OSV ids… */
  aliases: string[];
  title?: string;
  description?: string;
  cvss?: KbCvss[];
  cwes?: string[];
  published?: string;
  modified?: string;
  references?: KbReference[];
  affected?: KbAffectedPackage[];
  kev?: KbKevEntry;
  epss?: KbEpssEntry;
  /** Upstream status: NVD vulnStatus, OSV withdrawn… */
  status?: string;
  rejected?: boolean;
}

/** A problem with one record (or a whole file); the rest of the file is still imported. */
export interface KbImportProblem {
  file: string;
  record?: string;
  message: string;
}

export type KbFormatId =
  | 'nvd-cve-api-2.0'
  | 'cisa-kev'
  | 'first-epss-csv'
  | 'emba-epss-csv'
  | 'osv-json'
  | 'osv-yaml'
  | 'osv-zip'
  | 'debian-oval'
  | 'debian-tracker-list'
  | 'debian-tracker-json'
  | 'alpine-secdb'
  | 'ubuntu-oval';

export interface KbImporter {
  format: KbFormatId;
  source: KbSourceId;
  /**
   * Whether this importer reads the file, judged from its name and its first bytes
   * (already decompressed when the file is .gz/.bz2).
   */
  detect(sample: { fileName: string; head: string }): boolean;
  /**
   * Streams contributions out of the file. Bad records are reported through `onProblem` and
   * skipped; a file that cannot be read at all throws an Error naming the file.
   */
  parse(input: { filePath: string; fileName: string; onProblem: (problem: KbImportProblem) => void }): AsyncIterable<KbContribution>;
}
