import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KbLookup } from '../../../../server/detection/detect';
import { DetectionKbIndex } from '../../../../server/detection/detection-kb-index';
import type { DetectionRecord } from '../../../../server/detection/detection-types';
import { KB_IMPORTERS } from '../../../../server/kb/importers/kb-importers';
import { hasPrimarySource, mergeContributions } from '../../../../server/kb/kb-merge';
import type { KbContribution } from '../../../../server/kb/kb-types';
import { detectImporter, importKbFiles } from '../../../../server/services/kb/import-kb-files';
import { fixture } from '../../../helpers/fixtures';

/**
 * The fixture KB files the detection tests import (a subset of ../shared/kb-fixtures: a full import takes over a
 * minute on FerretDB). Distro data for Debian bookworm, Ubuntu jammy, Alpine v3.20 and the tracker lists, plus two
 * NVD files naming OpenSSH and nginx configurations.
 */
export const DETECTION_KB_FILES = [
  fixture('debian', 'oval-definitions-bookworm.subset.xml.bz2'),
  fixture('debian', 'tracker-raw', 'DSA-list.subset'),
  fixture('debian', 'tracker-raw', 'DLA-list.subset'),
  fixture('alpine', 'v3.20', 'main.json'),
  fixture('alpine', 'v3.20', 'community.json'),
  fixture('ubuntu', 'com.ubuntu.jammy.usn.oval.subset.xml'),
  fixture('nvd', 'nvdcve-modified.2024-07-18.subset.json'),
  fixture('nvd', 'nvdcve-modified.2026-07-02.subset.json'),
];

export async function importDetectionKb(files: string[] = DETECTION_KB_FILES): Promise<void> {
  const report = await importKbFiles({ paths: files, importers: KB_IMPORTERS, trustedKeys: new Map() });
  const failed = report.files.filter((f) => f.error);
  if (failed.length) throw new Error(`fixture import failed: ${JSON.stringify(failed)}`);
}

/** `dpkg --compare-versions a lt b` for many pairs in one shell: an independent judge of Debian version order. */
export function dpkgLessThan(pairs: [string, string][]): boolean[] {
  if (pairs.length === 0) return [];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-dpkg-'));
  const input = path.join(dir, 'pairs');
  const unique = [...new Set(pairs.map(([a, b]) => `${a}\t${b}`))];
  writeFileSync(input, unique.join('\n') + '\n');
  const script = `while IFS="$(printf '\\t')" read -r a b; do if dpkg --compare-versions "$a" lt "$b"; then echo 1; else echo 0; fi; done < "$1"`;
  const out = execFileSync('sh', ['-c', script, 'sh', input], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const verdicts = new Map(out.trim().split('\n').map((line, i) => [unique[i]!, line === '1']));
  return pairs.map(([a, b]) => verdicts.get(`${a}\t${b}`)!);
}

/**
 * The same fixture files read by the real importers and merged by the real merge (kb-merge.ts), held in memory:
 * what the KB store would hold, without the ~90 s a FerretDB import of the Debian OVAL takes on a shared 2-core
 * machine. The lookup answers like kbLookup: every record naming any of the keys in `affectedPackages`.
 */
export async function loadFixtureKbInMemory(files: string[] = DETECTION_KB_FILES): Promise<{ records: DetectionRecord[]; lookup: KbLookup }> {
  const byKey = new Map<string, KbContribution[]>();
  for (const file of files) {
    const importer = await detectImporter(KB_IMPORTERS, file);
    if (!importer) throw new Error(`no importer for ${file}`);
    for await (const c of importer.parse({ filePath: file, fileName: path.basename(file), onProblem: () => undefined })) {
      const list = byKey.get(c.key);
      if (list) list.push(c);
      else byKey.set(c.key, [c]);
    }
  }
  const records: DetectionRecord[] = [...byKey]
    .filter(([, contributions]) => hasPrimarySource(contributions))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, contributions], i) => ({ _id: key, vglId: `VGL-${String(i + 1).padStart(6, '0')}`, ...mergeContributions(key, contributions) }));
  return { records, lookup: inMemoryLookup(records) };
}

export function inMemoryLookup(records: DetectionRecord[]): KbLookup {
  const index = new DetectionKbIndex();
  for (const record of records) index.upsert(record);
  return async (keys) => index.lookup(keys);
}
