import { createDistroDriver } from './distro-driver';

const RHEL_FAMILY = new Set(['rhel', 'almalinux', 'rocky', 'centos', 'ol', 'fedora']);

/**
 * RHEL family: rpm packages (binary or source rpm name) against the data of the host's own distribution and major
 * release (`almalinux` / `9` from OSV AlmaLinux:9). Ready for Red Hat / Rocky data as importers add it.
 */
export const rhelDriver = createDistroDriver({
  id: 'rhel',
  ecosystem: 'rpm',
  scheme: 'rpm',
  releaseOf(os) {
    if (!RHEL_FAMILY.has(os.name)) return { problem: `no rpm vulnerability data for the distribution "${os.name}" (known: ${[...RHEL_FAMILY].join(', ')})` };
    const major = /^(\d+)/.exec(os.version)?.[1];
    if (!major) return { problem: `unreadable ${os.name} version "${os.version}"` };
    return { distro: os.name, release: major };
  },
});
