import { createDistroDriver } from './distro-driver';

/** Debian release numbers → codenames (os-release VERSION_ID → the release names the KB uses). */
const DEBIAN_CODENAMES: Record<string, string> = { '8': 'jessie', '9': 'stretch', '10': 'buster', '11': 'bullseye', '12': 'bookworm', '13': 'trixie', '14': 'forky' };
const UBUNTU_CODENAMES: Record<string, string> = {
  '16.04': 'xenial',
  '18.04': 'bionic',
  '20.04': 'focal',
  '22.04': 'jammy',
  '23.04': 'lunar',
  '23.10': 'mantic',
  '24.04': 'noble',
  '24.10': 'oracular',
  '25.04': 'plucky',
};

/**
 * Debian and Ubuntu (os.name picks the distro's data): deb packages matched on the SOURCE package (Debian OVAL,
 * the tracker, OSV DSA/DLA) or the binary package (Ubuntu OVAL names binaries), in the host's release (codename).
 */
export const debianDriver = createDistroDriver({
  id: 'debian',
  ecosystem: 'deb',
  scheme: 'deb',
  releaseOf(os) {
    const distro = os.name === 'ubuntu' ? 'ubuntu' : os.name === 'debian' ? 'debian' : null;
    if (!distro) return { problem: `no deb vulnerability data for the distribution "${os.name}" (known: debian, ubuntu)` };
    const codename = os.codename || (distro === 'debian' ? DEBIAN_CODENAMES[os.version.split('.')[0] ?? ''] : UBUNTU_CODENAMES[os.version]);
    if (!codename) return { problem: `unknown ${distro} release (version "${os.version}", no codename)` };
    return { distro, release: codename };
  },
});
