import { describe } from 'vitest';
import { compareDpkgVersions } from '../../../../server/detection/versions/dpkg';
import { itOrders, itRefuses } from './version-test-helpers';

describe('compareDpkgVersions', () => {
  // Debian Policy §5.6.12 and dpkg's own test cases (lib/dpkg/t/t-version.c), then real archive versions.
  itOrders(compareDpkgVersions, [
    ['1.0', '=', '1.0'],
    ['0:1.0', '=', '1.0'],
    ['1.0', '=', '1.0-0'],
    ['1.002', '=', '1.2'],
    ['1.0', '<', '1.1'],
    ['1.9', '<', '1.10'],
    ['2.30-1', '>', '2.4-1'],
    ['1:0.1', '>', '9.9'],
    ['2:1.0', '>', '1:9.9'],
    ['1.2', '<', '1.2.0'],
    // ~ sorts before everything, even the end of the string: 1~~ < 1~~a < 1~ < 1 < 1a.
    ['1~~', '<', '1~~a'],
    ['1~~a', '<', '1~'],
    ['1~', '<', '1'],
    ['1', '<', '1a'],
    ['1.0~rc1', '<', '1.0'],
    ['1.0~rc1', '<', '1.0~rc2'],
    // Letters sort before other signs.
    ['1.0a', '<', '1.0+'],
    ['1.0a', '<', '1.0.'],
    ['1.0+b1', '>', '1.0'],
    ['1.0+dfsg', '<', '1.0+dfsg1'],
    // Revisions: after the last hyphen, so the upstream version may contain hyphens.
    ['1.0-1', '<', '1.0-2'],
    ['1.0-9', '<', '1.0-10'],
    ['1.0-1', '<', '1.0-1+b1'],
    ['1.0-1~bpo11+1', '<', '1.0-1'],
    ['1.0-2-1', '>', '1.0-1-9'],
    ['1:1.0-2-1', '>', '1.0-3'],
    // Real Debian and Ubuntu versions (security updates and backports).
    ['3.0.11-1~deb12u2', '>', '3.0.11-1~deb12u1'],
    ['3.0.11-1~deb12u2', '<', '3.0.11-1'],
    ['1:9.2p1-2+deb12u3', '>', '1:9.2p1-2'],
    ['2.36-9+deb12u10', '>', '2.36-9+deb12u9'],
    ['7.88.1-10+deb12u12', '>', '7.88.1-10+deb12u5'],
    ['2:1.20.11-1+deb11u6', '>', '2:1.20.11-1'],
    ['111.0.5563.110-1~deb11u1', '>', '111.0.5563.64-1~deb11u1'],
    ['102.9.0esr-1~deb11u1', '<', '102.10.0esr-1~deb11u1'],
    ['4.14.5+94-ge49571868d-1', '>', '4.14.5+86-g1c354767d5-1'],
    ['0.0~git20180212.15.e6afb9c-1+deb10u1', '<', '0.0.1'],
    ['4.3.4-1ubuntu0.1~esm1', '<', '4.3.4-1ubuntu0.1'],
    ['2.7.18-13ubuntu1.1+esm2', '>', '2.7.18-13ubuntu1.1'],
    ['0', '<', '0.0.1'],
    // Numbers of any length, epochs up to dpkg's INT_MAX.
    [`1.${'9'.repeat(40)}`, '>', `1.${'9'.repeat(39)}`],
    ['2147483647:1.0', '>', '2147483646:9.9'],
  ]);

  itRefuses(compareDpkgVersions, 'dpkg', '1.0', [
    ['no leading digit', 'abc'],
    ['leading space', ' 1.0'],
    ['trailing newline', '1.0\n'],
    ['embedded space', '1.0 1'],
    ['underscore', '1.0_1'],
    ['empty epoch', ':1.0'],
    ['epoch not a number', 'x:1.0'],
    ['epoch too big', '2147483648:1.0'],
    ['nothing after the epoch', '1:'],
    ['empty upstream version', '-1'],
    ['empty revision', '1.0-'],
    ['colon in the revision', '1:1.0-1:2'],
    ['non-ASCII letter', '1.0é'],
  ]);
});
