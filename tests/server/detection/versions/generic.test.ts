import { describe } from 'vitest';
import { compareGenericVersions } from '../../../../server/detection/versions/generic';
import { itOrders, itRefuses } from './version-test-helpers';

describe('compareGenericVersions', () => {
  // Versions as NVD's CPE ranges and service banners write them.
  itOrders(compareGenericVersions, [
    ['2.4.57', '>', '2.4.6'],
    ['2.4', '=', '2.4.0'],
    ['2.4.0.0000', '=', '2.4'],
    ['1.0', '<', '1.0.1'],
    ['1.25.0', '<', '1.25.10'],
    ['007', '=', '7'],
    // OpenSSH portable releases.
    ['9.2p1', '<', '9.3'],
    ['9.2', '<', '9.2p1'],
    ['9.3p1', '<', '9.3p2'],
    ['8.5p1', '<', '8.6'],
    ['9.8p1', '>', '9.8'],
    // OpenSSL letter releases, z-series included.
    ['1.1.1', '<', '1.1.1a'],
    ['1.0.1f', '<', '1.0.1g'],
    ['1.1.1w', '>', '1.1.1k'],
    ['1.0.2z', '<', '1.0.2za'],
    ['1.0.2zj', '>', '1.0.2zb'],
    ['1.0.2zj', '<', '1.0.3'],
    ['1.0a', '<', '1.0.1'],
    // Pre-release words.
    ['1.0rc1', '<', '1.0'],
    ['1.1_rc2', '<', '1.1'],
    ['0.8.10rc5', '<', '0.8.10'],
    ['3.82_beta', '<', '3.82'],
    ['1.0-alpha', '<', '1.0-beta'],
    ['1.0-beta2', '<', '1.0-pre1'],
    ['1.0-preview1', '=', '1.0-pre1'],
    ['1.0-pre1', '<', '1.0-rc1'],
    ['1.0.dev1', '<', '1.0alpha'],
    ['1.0', '>', '1.0.0rc1'],
    ['1.0rc1', '<', '1.0.0.1000'],
    // Case, prefixes and separators.
    ['1.0RC1', '=', '1.0rc1'],
    ['v1.2.3', '=', '1.2.3'],
    ['1.0-1', '=', '1.0.1'],
    ['16.10.3(3794)', '>', '16.10.3(3700)'],
    // Real NVD bounds.
    ['12.1-55.302', '>', '12.1-55.297'],
    ['2021-12-13', '<', '2023-03-20'],
    ['10.0.17763.5122', '>', '10.0.17763.4974'],
    ['r38p1', '>', 'r38p0'],
    [`1.${'9'.repeat(40)}`, '>', `1.${'9'.repeat(39)}`],
  ]);

  itRefuses(compareGenericVersions, 'generic', '1.0', [
    ['trailing newline', '1.0\n'],
    ['CPE ANY', '*'],
    ['CPE NA', '-'],
    ['embedded space', '1.0 beta'],
    ['leading separator', '.1'],
    ['slash', '1.0/2'],
    ['comma', '1,0'],
    ['non-ASCII letter', 'é1'],
  ]);
});
