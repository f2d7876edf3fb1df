import { describe, expect, it } from 'vitest';
import { DetectionKbIndex } from '../../../server/detection/detection-kb-index';
import type { DetectionRecord } from '../../../server/detection/detection-types';

const record = (id: string, keys: string[], extra: Partial<DetectionRecord> = {}): DetectionRecord => ({
  _id: id,
  vglId: `VGL-${id}`,
  aliases: [id],
  severity: 'medium',
  cvssScore: 5,
  epss: null,
  kevListed: false,
  affected: [],
  affectedPackages: keys,
  ...extra,
});

describe('DetectionKbIndex', () => {
  it('answers the records naming any key, each once, sorted by id', () => {
    const index = new DetectionKbIndex();
    index.upsert(record('CVE-2024-0002', ['deb:openssl', 'deb:curl']));
    index.upsert(record('CVE-2024-0001', ['deb:curl']));
    index.upsert(record('CVE-2024-0003', ['apk:musl']));
    expect(index.lookup(['deb:curl', 'deb:openssl', 'deb:none']).map((r) => r._id)).toEqual(['CVE-2024-0001', 'CVE-2024-0002']);
    expect(index.lookup([])).toEqual([]);
    expect(index.size).toBe(3);
  });

  it('replaces a record whole: its old package keys no longer find it', () => {
    const index = new DetectionKbIndex();
    index.upsert(record('CVE-2024-0001', ['deb:curl', 'deb:openssl']));
    index.upsert(record('CVE-2024-0001', ['deb:openssl', 'deb:nss'], { severity: 'high' }));
    expect(index.lookup(['deb:curl'])).toEqual([]);
    expect(index.lookup(['deb:nss', 'deb:openssl'])).toEqual([expect.objectContaining({ _id: 'CVE-2024-0001', severity: 'high' })]);
    expect(index.size).toBe(1);
  });

  it('drops rejected records and removed ones; removing an unknown id changes nothing', () => {
    const index = new DetectionKbIndex();
    index.upsert(record('CVE-2024-0001', ['deb:curl']));
    index.upsert(record('CVE-2024-0002', ['deb:curl']));
    index.upsert(record('CVE-2024-0001', ['deb:curl'], { rejected: true }));
    index.remove('CVE-2024-0002');
    index.remove('CVE-2099-0000');
    expect(index.lookup(['deb:curl'])).toEqual([]);
    expect(index.get('CVE-2024-0001')).toBeUndefined();
    expect(index.size).toBe(0);
  });

  it('tolerates a record without affected packages', () => {
    const index = new DetectionKbIndex();
    index.upsert({ ...record('CVE-2024-0001', []), affectedPackages: undefined as unknown as string[] });
    expect(index.get('CVE-2024-0001')?._id).toBe('CVE-2024-0001');
    expect(index.lookup(['deb:curl'])).toEqual([]);
  });
});
