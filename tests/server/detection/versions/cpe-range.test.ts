import { describe, expect, it } from 'vitest';
import { isVersionInCpeRange, type CpeVersionRange } from '../../../../server/detection/versions/cpe-range';
import { expectBadInput } from './version-test-helpers';

describe('isVersionInCpeRange', () => {
  // cpeMatch entries of real NVD records (CVE-2024-6387, CVE-2014-0160, CVE-2023-38545, CVE-2015-0235).
  const regreSSHion: CpeVersionRange = { cpeVersion: '*', versionStartIncluding: '8.6', versionEndExcluding: '9.8' };
  const heartbleed: CpeVersionRange = { cpeVersion: '*', versionStartIncluding: '1.0.1', versionEndExcluding: '1.0.1g' };
  const curlSocks5: CpeVersionRange = { cpeVersion: '*', versionStartIncluding: '7.69.0', versionEndExcluding: '8.4.0' };

  it.each<[string, string, CpeVersionRange, boolean]>([
    ['regreSSHion: 9.2p1', '9.2p1', regreSSHion, true],
    ['regreSSHion: the start bound itself', '8.6', regreSSHion, true],
    ['regreSSHion: 8.6p1', '8.6p1', regreSSHion, true],
    ['regreSSHion: 9.7p1', '9.7p1', regreSSHion, true],
    ['regreSSHion: 8.5p1 is before the range', '8.5p1', regreSSHion, false],
    ['regreSSHion: the excluded end 9.8', '9.8', regreSSHion, false],
    ['regreSSHion: 9.8p1', '9.8p1', regreSSHion, false],
    ['regreSSHion: old releases', '4.3p2', { cpeVersion: '*', versionEndExcluding: '4.4' }, true],
    ['Heartbleed: 1.0.1', '1.0.1', heartbleed, true],
    ['Heartbleed: 1.0.1f', '1.0.1f', heartbleed, true],
    ['Heartbleed: the fix 1.0.1g', '1.0.1g', heartbleed, false],
    ['Heartbleed: 1.0.2', '1.0.2', heartbleed, false],
    ['Heartbleed: 1.0.0t', '1.0.0t', heartbleed, false],
    ['curl SOCKS5: 8.3.0', '8.3.0', curlSocks5, true],
    ['curl SOCKS5: 8.4.0', '8.4.0', curlSocks5, false],
    ['curl SOCKS5: 7.68.0', '7.68.0', curlSocks5, false],
    ['GHOST: 2.17', '2.17', { cpeVersion: '*', versionStartIncluding: '2.0', versionEndExcluding: '2.18' }, true],
    ['end including: the bound itself', '15.07', { cpeVersion: '*', versionEndIncluding: '15.07' }, true],
    ['end including: above', '15.08', { cpeVersion: '*', versionEndIncluding: '15.07' }, false],
    ['start excluding: the bound itself', '2.0', { cpeVersion: '*', versionStartExcluding: '2.0' }, false],
    ['start excluding: above', '2.0.1', { cpeVersion: '*', versionStartExcluding: '2.0' }, true],
    ['ANY without bounds', '1.2.3', { cpeVersion: '*' }, true],
    ['exact version', '5.3', { cpeVersion: '5.3' }, true],
    ['exact version, trailing zero', '5.3.0', { cpeVersion: '5.3' }, true],
    ['exact version, other', '5.3.1', { cpeVersion: '5.3' }, false],
    ['exact version with CPE escapes', '16.10.3(3794)', { cpeVersion: '16.10.3\\(3794\\)' }, true],
    ['NA never matches a version', '1.0', { cpeVersion: '-' }, false],
  ])('%s', (_name, version, range, expected) => {
    expect(isVersionInCpeRange(version, range)).toBe(expected);
  });

  it.each<[string, string, CpeVersionRange, string]>([
    ['two start bounds', '1.0', { cpeVersion: '*', versionStartIncluding: '1.0', versionStartExcluding: '0.9' }, 'start'],
    ['two end bounds', '1.0', { cpeVersion: '*', versionEndIncluding: '2.0', versionEndExcluding: '2.1' }, 'end'],
    ['bounds with an exact version', '1.0', { cpeVersion: '1.0', versionEndExcluding: '2.0' }, 'only with "*"'],
    ['bounds with NA', '1.0', { cpeVersion: '-', versionEndExcluding: '2.0' }, 'only with "*"'],
    ['embedded wildcard', '1.2.3', { cpeVersion: '1.2.*' }, 'wildcard'],
    ['embedded single-character wildcard', '1.2.3', { cpeVersion: '1.2.?' }, 'wildcard'],
    ['unreadable version', 'not a version', { cpeVersion: '*', versionEndExcluding: '2.0' }, 'generic'],
    ['unreadable version against NA', '', { cpeVersion: '-' }, 'generic'],
    ['unreadable bound', '1.0', { cpeVersion: '*', versionStartIncluding: '0.1', versionEndExcluding: '2.0 final' }, 'generic'],
    ['unreadable bound after a failing one', '0.5', { cpeVersion: '*', versionStartIncluding: '1.0', versionEndExcluding: '2.0 final' }, 'generic'],
  ])('refuses %s', (_name, version, range, mention) => {
    expectBadInput(() => isVersionInCpeRange(version, range), mention);
  });
});
