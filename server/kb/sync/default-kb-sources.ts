import type { KbSourceId } from '../kb-types';

/**
 * Where each source is mirrored from by default: the official upstream locations. Every URL
 * can be replaced (customers point them at internal mirrors): `vigil kb source set`.
 * `nvd-api` URLs are paged through the NVD CVE API 2.0; all others are plain files.
 */
export interface KbSourceDefaults {
  id: KbSourceId;
  name: string;
  urls: string[];
  paging?: 'nvd-api';
}

/**
 * The OSV ecosystems mirrored by default: those detection matches with an exact version comparer
 * (README "Detection"). Others (RubyGems, Packagist, NuGet, Debian…) are one `kb source set osv --url` away.
 */
const OSV_ECOSYSTEMS = ['npm', 'PyPI', 'Maven', 'Go', 'crates.io', 'AlmaLinux'];

export const DEFAULT_KB_SOURCES: KbSourceDefaults[] = [
  { id: 'nvd', name: 'NVD CVE API 2.0', urls: ['https://services.nvd.nist.gov/rest/json/cves/2.0'], paging: 'nvd-api' },
  { id: 'kev', name: 'CISA Known Exploited Vulnerabilities', urls: ['https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json'] },
  { id: 'epss', name: 'FIRST EPSS', urls: ['https://epss.empiricalsecurity.com/epss_scores-current.csv.gz'] },
  {
    id: 'debian-oval',
    name: 'Debian OVAL',
    urls: ['https://www.debian.org/security/oval/oval-definitions-bookworm.xml.bz2', 'https://www.debian.org/security/oval/oval-definitions-bullseye.xml.bz2'],
  },
  {
    id: 'debian-tracker',
    name: 'Debian security tracker (DSA/DLA lists)',
    urls: [
      'https://salsa.debian.org/security-tracker-team/security-tracker/-/raw/master/data/DSA/list',
      'https://salsa.debian.org/security-tracker-team/security-tracker/-/raw/master/data/DLA/list',
    ],
  },
  {
    id: 'alpine-secdb',
    name: 'Alpine secdb',
    urls: ['v3.19', 'v3.20', 'v3.21'].flatMap((v) => [`https://secdb.alpinelinux.org/${v}/main.json`, `https://secdb.alpinelinux.org/${v}/community.json`]),
  },
  {
    id: 'ubuntu-oval',
    name: 'Ubuntu USN OVAL',
    urls: ['jammy', 'noble'].map((release) => `https://security-metadata.canonical.com/oval/com.ubuntu.${release}.usn.oval.xml.bz2`),
  },
  {
    id: 'osv',
    name: 'OSV (per-ecosystem archives)',
    urls: OSV_ECOSYSTEMS.map((ecosystem) => `https://osv-vulnerabilities.storage.googleapis.com/${encodeURIComponent(ecosystem)}/all.zip`),
  },
  { id: 'debian-tracker-json', name: 'Debian security tracker (JSON)', urls: ['https://security-tracker.debian.org/tracker/data/json'] },
];
