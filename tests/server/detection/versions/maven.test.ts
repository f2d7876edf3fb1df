import { describe, it } from 'vitest';
import { compareMavenVersions } from '../../../../server/detection/versions/maven';
import { expectOrder, itOrders, itOrdersAscending, itRefuses } from './version-test-helpers';

// Maven 3.9's ComparableVersionTest, case by case.
describe('compareMavenVersions', () => {
  const qualifiers = ['1-alpha2snapshot', '1-alpha2', '1-alpha-123', '1-beta-2', '1-beta123', '1-m2', '1-m11', '1-rc', '1-cr2', '1-rc123', '1-SNAPSHOT', '1', '1-sp', '1-sp2', '1-sp123', '1-abc', '1-def', '1-pom-1', '1-1-snapshot', '1-1', '1-2', '1-123'];
  const numbers = ['2.0', '2.0.a', '2-1', '2.0.2', '2.0.123', '2.1.0', '2.1-a', '2.1b', '2.1-c', '2.1-1', '2.1.0.1000', '2.2', '2.123', '11.a2', '11.a11', '11.b2', '11.b11', '11.m2', '11.m11', '11', '11.a', '11b', '11c', '11m'];
  itOrdersAscending(compareMavenVersions, qualifiers);
  itOrdersAscending(compareMavenVersions, numbers);

  itOrders(compareMavenVersions, [
    // testVersionsEqual
    ['1', '=', '1.0'],
    ['1', '=', '1.0.0'],
    ['1.0', '=', '1.0.0'],
    ['1', '=', '1-0'],
    ['1', '=', '1.0-0'],
    ['1.0', '=', '1.0-0'],
    ['1a', '=', '1-a'],
    ['1a', '=', '1.0-a'],
    ['1a', '=', '1.0.0-a'],
    ['1.0a', '=', '1-a'],
    ['1.0.0a', '=', '1-a'],
    ['1x', '=', '1.0.0-x'],
    ['1.0x', '=', '1-x'],
    ['1cr', '=', '1rc'],
    ['1a1', '=', '1-alpha-1'],
    ['1b2', '=', '1-beta-2'],
    ['1m3', '=', '1-milestone-3'],
    ['1X', '=', '1x'],
    ['1Cr', '=', '1Rc'],
    ['1m3', '=', '1MILESTONE3'],
    ['1-abcdefghijklmnopqrstuvwxyz', '=', '1-ABCDEFGHIJKLMNOPQRSTUVWXYZ'],
    // testVersionsHaveSameOrderButAreNotEqual
    ['1ga', '=', '1'],
    ['1release', '=', '1'],
    ['1FINAL', '=', '1'],
    // testVersionComparing
    ['1', '<', '2'],
    ['1.5', '<', '2'],
    ['1', '<', '2.5'],
    ['1.0', '<', '1.1'],
    ['1.0.0', '<', '1.1'],
    ['1.0.1', '<', '1.1'],
    ['1.1', '<', '1.2.0'],
    ['1.0-alpha-1', '<', '1.0'],
    ['1.0-alpha-1', '<', '1.0-alpha-2'],
    ['1.0-alpha-1', '<', '1.0-beta-1'],
    ['1.0-beta-1', '<', '1.0-SNAPSHOT'],
    ['1.0-SNAPSHOT', '<', '1.0'],
    ['1.0-alpha-1-SNAPSHOT', '<', '1.0-alpha-1'],
    ['1.0', '<', '1.0-1'],
    ['1.0-1', '<', '1.0-2'],
    ['1.0.0', '<', '1.0-1'],
    ['2.0-1', '<', '2.0.1'],
    ['2.0.1-klm', '<', '2.0.1-lmn'],
    ['2.0.1', '<', '2.0.1-xyz'],
    ['2.0.1', '<', '2.0.1-123'],
    ['2.0.1-xyz', '<', '2.0.1-123'],
    // testLeadingZeroes, MNG-5568, MNG-6572, MNG-6964
    ['0.7', '<', '2'],
    ['0.2', '<', '1.0.7'],
    ['0000000000000000001', '=', '1'],
    ['0000000000000000000', '=', '0'],
    ['6.1.0rc3', '<', '6.1.0'],
    ['6.1.0rc3', '<', '6.1H.5-beta'],
    ['6.1.0', '<', '6.1H.5-beta'],
    ['20190126.230843', '<', '1234567890.12345'],
    ['1234567890.12345', '<', '123456789012345.1H.5-beta'],
    ['123456789012345.1H.5-beta', '<', '12345678901234567890.1H.5-beta'],
    ['1-0.alpha', '<', '1'],
    ['1-0.beta', '<', '1'],
    ['1-0.alpha', '<', '1-0.beta'],
    // MNG-7714
    ['1.0.final-redhat', '<', '1.0-sp1-redhat'],
    ['1.0.final-redhat', '<', '1.0-sp-1-redhat'],
    ['1.0.final-redhat', '<', '1.0-sp.1-redhat'],
    // Real artifact versions.
    ['2.14.1', '<', '2.15.0-rc1'],
    ['2.15.0-rc1', '<', '2.15.0'],
    ['2.17.0', '>', '2.16.0'],
    ['5.3.18.RELEASE', '=', '5.3.18'],
    ['9.4.43.v20210629', '>', '9.4.43'],
    ['1.2.3.Final', '<', '1.2.3.SP1'],
    ['31.1-jre', '>', '31.0.1-jre'],
  ]);

  // MNG-7644: 1.0.0.X1 < 1.0.0-X2 and 2-X = 2.0.X = 2.0.0.X for any string X.
  it.each(['abc', 'alpha', 'a', 'beta', 'b', 'def', 'milestone', 'm', 'RC'])('MNG-7644 with %s', (x) => {
    expectOrder(compareMavenVersions, `1.0.0.${x}1`, '<', `1.0.0-${x}2`);
    expectOrder(compareMavenVersions, `2-${x}`, '=', `2.0.${x}`);
    expectOrder(compareMavenVersions, `2-${x}`, '=', `2.0.0.${x}`);
    expectOrder(compareMavenVersions, `2.0.${x}`, '=', `2.0.0.${x}`);
  });

  itRefuses(compareMavenVersions, 'Maven', '1.0', [
    ['trailing newline', '1.0\n'],
    ['leading separator', '-1.0'],
    ['leading dot', '.1'],
    ['embedded space', '1.0 beta'],
    ['version range', '[1.0,2.0)'],
    ['property reference', '${project.version}'],
    ['non-ASCII digit', '1.٣'],
  ]);
});
