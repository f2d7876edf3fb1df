import { describe } from 'vitest';
import { compareRpmVersions } from '../../../../server/detection/versions/rpm';
import { itOrders, itRefuses } from './version-test-helpers';

describe('compareRpmVersions', () => {
  // rpm's own rpmvercmp test suite (tests/rpmvercmp.at), then EVRs as labelCompare orders them.
  itOrders(compareRpmVersions, [
    ['1.0', '=', '1.0'],
    ['1.0', '<', '2.0'],
    ['2.0', '<', '2.0.1'],
    ['2.0.1a', '>', '2.0.1'],
    ['5.5p1', '<', '5.5p2'],
    ['5.5p1', '<', '5.5p10'],
    ['10xyz', '<', '10.1xyz'],
    ['xyz10', '<', 'xyz10.1'],
    ['xyz.4', '<', '8'],
    ['xyz.4', '<', '2'],
    ['5.5p2', '<', '5.6p1'],
    ['6.0.rc1', '>', '6.0'],
    ['10b2', '>', '10a1'],
    ['10a2', '<', '10b2'],
    ['1.0a', '<', '1.0aa'],
    ['10.0001', '=', '10.1'],
    ['10.0001', '<', '10.0039'],
    ['4.999.9', '<', '5.0'],
    ['20101121', '<', '20101122'],
    ['2_0', '=', '2.0'],
    ['a+', '=', 'a_'],
    // ~ sorts before everything, the end of the string included.
    ['1.0~rc1', '<', '1.0'],
    ['1.0~rc1', '<', '1.0~rc2'],
    ['1.0~rc1~git123', '<', '1.0~rc1'],
    // ^ sorts after the end of the string but before anything else.
    ['1.0^', '>', '1.0'],
    ['1.0^git1', '>', '1.0'],
    ['1.0^git1', '<', '1.0^git2'],
    ['1.0^git1', '<', '1.01'],
    ['1.0^20160101', '<', '1.0.1'],
    ['1.0^20160102', '>', '1.0^20160101^git1'],
    ['1.0~rc1^git1', '>', '1.0~rc1'],
    ['1.0^git1~pre', '<', '1.0^git1'],
    // Epoch, version, release.
    ['0:1.0', '=', '1.0'],
    ['1:1.0', '>', '2.0'],
    ['1:1.0-1', '<', '2:0.1-1'],
    ['1.0-1', '<', '1.0-2'],
    ['1.0', '<', '1.0-1'],
    ['2.28-225.el8', '<', '2.28-225.el8_8.6'],
    ['1:1.1.1k-9.el8_7', '<', '1:1.1.1k-12.el8_9'],
    ['3.0.7-25.el9_3', '>', '3.0.7-24.el9'],
    ['8.7p1-38.el9', '>', '8.7p1-34.el9_3.3'],
    ['4.18.0-513.24.1.el8_9', '>', '4.18.0-513.5.1.el8_9'],
    [`1.${'9'.repeat(40)}-1`, '>', `1.${'9'.repeat(39)}-1`],
  ]);

  itRefuses(compareRpmVersions, 'rpm', '1.0', [
    ['trailing newline', '1.0\n'],
    ['empty epoch', ':1.0'],
    ['epoch not a number', 'x:1.0'],
    ['nothing after the epoch', '1:'],
    ['empty version', '-1'],
    ['empty release', '1.0-'],
    ['hyphen in the version', '1.0-1-2'],
    ['colon in the version', '1:2:3'],
    ['unexpanded macro', '%{version}'],
    ['leading separator', '.1.0'],
    ['embedded space', '1.0 1'],
  ]);
});
