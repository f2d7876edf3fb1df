import { describe } from 'vitest';
import { compareGoVersions } from '../../../../server/detection/versions/go';
import { itOrders, itOrdersAscending, itRefuses } from './version-test-helpers';

describe('compareGoVersions', () => {
  // golang.org/x/mod/semver's semver_test.go: its valid versions in ascending order (equal ones left out).
  const ascending = [
    'v1.0.0-alpha',
    'v1.0.0-alpha.1',
    'v1.0.0-alpha.beta',
    'v1.0.0-beta',
    'v1.0.0-beta.2',
    'v1.0.0-beta.11',
    'v1.0.0-rc.1',
    'v1.0.0',
    'v1.2.0',
    'v1.2.3-456',
    'v1.2.3-456.789',
    'v1.2.3-456-789',
    'v1.2.3-456a',
    'v1.2.3-pre',
    'v1.2.3-pre.1',
    'v1.2.3-zzz',
    'v1.2.3',
  ];
  itOrdersAscending(compareGoVersions, ascending);

  itOrders(compareGoVersions, [
    // Shorthands and build metadata, from the same test file.
    ['v1', '=', 'v1.0.0'],
    ['v1.0', '=', 'v1.0.0'],
    ['v1.2', '=', 'v1.2.0'],
    ['v1.2.3-pre+meta', '=', 'v1.2.3-pre'],
    ['v1.2.3+meta-pre.sha.256a', '=', 'v1.2.3'],
    // +incompatible is build metadata.
    ['v2.0.0+incompatible', '=', 'v2.0.0'],
    ['v2.1.0+incompatible', '>', 'v2.0.5+incompatible'],
    // Pseudo-versions: before the next version, ordered by their timestamp.
    ['v0.0.0-20191109021931-daa7c04131f5', '<', 'v0.0.0-20200101000000-000000000000'],
    ['v0.0.0-20191109021931-daa7c04131f5', '<', 'v0.0.1'],
    ['v1.2.4-0.20191109021931-daa7c04131f5', '>', 'v1.2.3'],
    ['v1.2.4-0.20191109021931-daa7c04131f5', '<', 'v1.2.4'],
    ['v1.2.4-pre.0.20191109021931-daa7c04131f5', '>', 'v1.2.4-pre'],
    // OSV's Go ecosystem writes versions without "v", and "0" for "from the first version".
    ['1.2.3', '=', 'v1.2.3'],
    ['0', '<', 'v0.0.1-alpha'],
    ['0.0.0-20220314234659-1baeb1ce4c0b', '>', 'v0.0.0-20211209193657-4570a0811e8b'],
    ['v1.10.0', '>', 'v1.9.9'],
    ['v1.0.9007199254740993', '>', 'v1.0.9007199254740992'],
  ]);

  itRefuses(compareGoVersions, 'Go', 'v1.0.0', [
    ['word', 'bad'],
    ['shorthand with pre-release', 'v1-pre'],
    ['shorthand with build', 'v1.2+meta'],
    ['four components', 'v1.2.3.4000'],
    ['leading zero', 'v01.2.3'],
    ['leading zero in a numeric pre-release', 'v1.2.3-01'],
    ['capital V', 'V1.2.3'],
    ['two v', 'vv1.2.3'],
    ['wildcard', 'v1.x'],
  ]);
});
