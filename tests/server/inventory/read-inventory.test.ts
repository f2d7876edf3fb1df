import { describe, expect, it } from 'vitest';
import { parseInventoryJson, readInventory } from '../../../server/inventory/read-inventory';

const base = { host: 'web-01', os: { family: 'debian', name: 'debian', version: '12', codename: 'bookworm' } };

describe('reading an inventory file', () => {
  it('keeps good packages and reports each bad one by index', () => {
    const { inventory, problems } = readInventory(
      { ...base, packages: [{ name: 'openssl', version: '3.0.11-1~deb12u2', source: 'openssl', ecosystem: 'deb' }, { name: 'x', ecosystem: 'deb' }, 'garbage', { name: 'y', version: '1', ecosystem: 'floppy' }] },
      'inv.json',
    );
    expect(inventory.packages.map((p) => p.name)).toEqual(['openssl']);
    expect(inventory.services).toEqual([]);
    expect(problems.map((p) => p.at)).toEqual(['packages[1]', 'packages[2]', 'packages[3]']);
    expect(problems[0]!.message).toMatch(/version/);
  });

  it('refuses a document that is not an inventory, naming the file and the fields', () => {
    expect(() => readInventory({ packages: [] }, 'inv.json')).toThrow(/^inv\.json: not an inventory \(host: .*os: /);
    expect(() => parseInventoryJson('{"host": ', 'inv.json')).toThrow(/^inv\.json: not valid JSON/);
  });

  it('accepts 100k packages', () => {
    const packages = Array.from({ length: 100_000 }, (_, i) => ({ name: `pkg-${i}`, version: `1.${i}-1`, ecosystem: 'deb' }));
    expect(readInventory({ ...base, packages }, 'big.json').inventory.packages).toHaveLength(100_000);
  });
});
