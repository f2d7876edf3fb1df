import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readInventory } from '../../../server/inventory/read-inventory';
import { runVigil, tempDataDir } from '../../helpers/cli';

describe('vigil inventory --local', () => {
  it("writes this host's installed dpkg packages with their source packages", async () => {
    const dir = tempDataDir();
    const out = path.join(dir, 'inventory.json');
    const result = await runVigil(['inventory', '--local', '--out', out], { env: { VIGIL_DATA_DIR: dir } });
    expect(result.code, result.stderr).toBe(0);
    const { inventory, problems } = readInventory(JSON.parse(readFileSync(out, 'utf8')), out);
    expect(problems).toEqual([]);
    const installed = execFileSync('dpkg-query', ['-W', '-f=${db:Status-Abbrev} ${binary:Package} ${source:Package}\n'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => /^[ih]i/.test(line));
    expect(inventory.os).toMatchObject({ family: 'debian', name: 'debian' });
    expect(inventory.packages).toHaveLength(installed.length);
    expect(inventory.packages.every((p) => p.ecosystem === 'deb' && p.source && p.sourceVersion)).toBe(true);
    expect(result.stderr).toMatch(new RegExp(`wrote ${installed.length} packages`));
  });
});
