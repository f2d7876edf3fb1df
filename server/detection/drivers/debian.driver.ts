import { DEBIAN_RELEASES } from '../../kb/importers/importer-utils';
import { UBUNTU_RELEASES } from '../../kb/importers/ubuntu-oval.importer';
import { createDistroDriver } from './distro-driver';

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
    const codename = os.codename || (distro === 'debian' ? DEBIAN_RELEASES[os.version.split('.')[0] ?? ''] : UBUNTU_RELEASES[os.version]);
    if (!codename) return { problem: `unknown ${distro} release (version "${os.version}", no codename)` };
    return { distro, release: codename };
  },
});
