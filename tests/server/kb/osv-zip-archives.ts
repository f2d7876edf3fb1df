import { createWriteStream, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { fixture } from '../../helpers/fixtures';

/** The real OSV JSON fixture files of some subfolders of kb-fixtures/osv (recursively, sorted). */
export function osvFixtureJsonFiles(...folders: string[]): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir)
      .sort()
      .flatMap((name) => {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) return walk(full);
        return name.endsWith('.json') && name !== 'MANIFEST.json' ? [full] : [];
      });
  return folders.flatMap((folder) => walk(fixture('osv', folder)));
}

/**
 * Writes a zip laid out like OSV's `<Ecosystem>/all.zip`: one entry per record, named by its
 * file name (a name ending in `/` is a directory entry). `store: true` leaves entries uncompressed (so a test can damage their bytes).
 */
export async function writeZip(file: string, entries: { name: string; data: Buffer | string }[], options: { store?: boolean } = {}): Promise<string> {
  const zip = new yazl.ZipFile();
  const mtime = new Date('2026-08-22T00:00:00Z');
  for (const entry of entries) {
    if (entry.name.endsWith('/')) zip.addEmptyDirectory(entry.name, { mtime });
    else zip.addBuffer(Buffer.from(entry.data), entry.name, { compress: !options.store, mtime });
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(file));
  return file;
}

/** The fixture files as archive entries (`GO-2022-0646.json`…). */
export const entriesOf = (files: string[]) => files.map((file) => ({ name: path.basename(file), data: readFileSync(file) }));
