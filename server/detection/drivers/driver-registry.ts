import type { Inventory } from '../../inventory/inventory.schema';
import type { DetectionDriver, DetectionProblem } from '../detection-types';
import { alpineDriver } from './alpine.driver';
import { cpeDriver } from './cpe.driver';
import { debianDriver } from './debian.driver';
import { languageDriver } from './language.driver';
import { rhelDriver } from './rhel.driver';

/** OS families and the driver of their packages (os.family from os-release ID_LIKE, os.name from ID). */
const OS_DRIVERS: { driver: DetectionDriver; families: string[]; names: string[] }[] = [
  { driver: debianDriver, families: ['debian', 'ubuntu'], names: ['debian', 'ubuntu'] },
  { driver: alpineDriver, families: ['alpine'], names: ['alpine'] },
  { driver: rhelDriver, families: ['rhel', 'fedora', 'centos'], names: ['rhel', 'almalinux', 'rocky', 'centos', 'ol', 'fedora'] },
];

/** Drivers that do not depend on the OS: language packages (OSV) and services (NVD CPE). */
const OTHER_DRIVERS: DetectionDriver[] = [languageDriver, cpeDriver];

export const DETECTION_DRIVERS: readonly DetectionDriver[] = [...OS_DRIVERS.map((d) => d.driver), ...OTHER_DRIVERS];

/**
 * The drivers for one inventory: the OS driver of its family (each OS driver only takes its own package
 * ecosystem, and reports packages of an ecosystem whose distribution it has no data for), plus the language and
 * CPE drivers. An OS no driver knows is a problem, not a failure: language packages and services are still matched.
 */
export function driversFor(inventory: Inventory, problems: DetectionProblem[]): DetectionDriver[] {
  const { family, name } = inventory.os;
  const known = OS_DRIVERS.find((d) => d.families.includes(family) || d.names.includes(name));
  if (!known) {
    const osPackages = inventory.packages.filter((p) => p.ecosystem === 'deb' || p.ecosystem === 'apk' || p.ecosystem === 'rpm').length;
    problems.push({ at: 'os', message: `unknown operating system "${name}" (family "${family}"): no detection driver; ${osPackages} OS packages were not matched` });
    return [...OTHER_DRIVERS];
  }
  // The host's own driver first; the others report OS packages of ecosystems foreign to the host (e.g. rpm on Debian).
  return [known.driver, ...OS_DRIVERS.filter((d) => d !== known).map((d) => d.driver), ...OTHER_DRIVERS];
}
