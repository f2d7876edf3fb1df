import { describe } from 'vitest';
import { compareApkVersions } from '../../../../server/detection/versions/apk';
import { itOrders, itRefuses } from './version-test-helpers';

describe('compareApkVersions', () => {
  // Rows of apk-tools' own test/version.data, then the commit-hash token and real secdb versions.
  itOrders(compareApkVersions, [
    ['0.1.0_alpha', '=', '0.1.0_alpha'],
    ['2.34', '>', '0.1.0_alpha'],
    ['0.1.0_alpha2', '>', '0.1.0_alpha'],
    ['1.1', '>', '1.1_alpha1'],
    ['1.2', '<', '1.3_alpha'],
    ['0.12.3', '>', '0.12'],
    ['0.12', '<', '0.13_beta1'],
    ['1.2.11', '<', '1.2.12_p1'],
    ['1.0.4-r3', '<', '1.0.4-r4'],
    ['1.3.5-r10', '>', '1.3.5-r8'],
    ['2.2.39-r1', '>', '1.0.4-r3'],
    ['1.2.2-r1', '>', '1.2.2'],
    ['0.10.0', '<', '0.10.1_rc1'],
    ['3.1_p16', '<', '3.1_p17'],
    ['1.0_p10-r0', '>', '1.0_p9-r0'],
    ['1.8.5', '<', '1.8.5_p2'],
    ['6.0_pre1', '<', '6.0'],
    ['6.0_p1', '>', '6.0'],
    ['0.1.0_alpha_pre2', '<', '0.1.0_alpha'],
    ['2.9.11_pre20051101-r3', '>', '2.9.11_pre20051101'],
    ['1.0.0_pre20191002222144-r0', '<', '1.0.0_pre20210530193627-r0'],
    ['2.3.0b-r1', '<', '2.3.0b-r2'],
    ['1.7', '<', '1.7b'],
    ['2.5.1-r8', '<', '2.5.1a-r1'],
    ['2.12r-r4', '<', '2.12r-r5'],
    ['22.7-r1', '<', '22.7.3-r1'],
    ['1.3-r0', '<', '1.3.1-r0'],
    ['1.3_pre1-r1', '<', '1.3.2'],
    ['3.0.20060720', '<', '20060720'],
    ['0.9.28', '<', '087-r1'],
    // A component with a leading zero compares as a string: 1.02 < 1.1, 1.06 < 006 (initial number: numeric).
    ['1.02.07', '<', '1.02.10-r1'],
    ['1.2.07.1008', '<', '1.2.12.0004'],
    ['2.10.1', '>', '02.08.01b'],
    ['1.06-r6', '<', '006'],
    ['0.01', '<', '0.06'],
    ['1.02', '<', '1.1'],
    ['1.1', '<', '1.10'],
    // ~hash: hashes compare as strings; a hash goes after the same version without one, before a revision.
    ['1.0~abc', '<', '1.0~abd'],
    ['1.0~abc', '>', '1.0'],
    ['1.0~abc-r1', '>', '1.0~abc'],
    ['1.0~abc', '>', '1.0-r1'],
    // Fixed versions from Alpine's secdb.
    ['1.1.1k-r0', '>', '1.1.1j-r0'],
    ['11.0.4_p11-r0', '<', '11.0.5_p10-r0'],
    ['1.0.0_rc95-r0', '>', '1.0.0_rc10-r0'],
    ['0.99_beta19-r3', '<', '0.99_beta20-r0'],
    ['0_git20231012-r0', '>', '0-r0'],
    [`1.${'9'.repeat(19)}`, '>', `1.${'9'.repeat(18)}`],
  ]);

  itRefuses(compareApkVersions, 'apk', '1.0', [
    ['trailing newline', '1.0\n'],
    ['no leading digit', 'a1.0'],
    ['unknown suffix', '23_foo'],
    ['two letters', '1.0bc'],
    ['Debian-style revision (in secdb)', '10.0.11-0'],
    ['revision without number', '1.0-r'],
    ['suffix without name', '1.0_'],
    ['empty component', '1..0'],
    ['trailing dot', '1.0.'],
    ['two revisions', '1.0-r1-r2'],
    ['component after the revision', '1.0-r1.1'],
    ['number after a letter (older apk-tools took it; in secdb)', '6.6.2p1-r0'],
    ['component after a suffix', '1.0_alpha1.2'],
    ['empty hash', '1.0~'],
    ['uppercase hash', '1.0~ABC'],
    ['uppercase letter', '1.0A'],
    ['number beyond 64 bits', '18446744073709551616'],
  ]);
});
