/** Helpers every importer shares. */

export const CVE_ID = /^CVE-\d{4}-\d{4,}$/;

/** Debian release numbers to codenames (OVAL platforms say "Debian GNU/Linux 12", OSV "Debian:12"). */
export const DEBIAN_RELEASES: Record<string, string> = {
  '3.0': 'woody',
  '3.1': 'sarge',
  '4.0': 'etch',
  '5.0': 'lenny',
  '6.0': 'squeeze',
  '7': 'wheezy',
  '8': 'jessie',
  '9': 'stretch',
  '10': 'buster',
  '11': 'bullseye',
  '12': 'bookworm',
  '13': 'trixie',
  '14': 'forky',
  '15': 'duke',
};
