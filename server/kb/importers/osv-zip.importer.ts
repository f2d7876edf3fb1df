import { statSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import type { KbContribution, KbImporter, KbImportProblem } from '../kb-types';
import { MAX_DECOMPRESSED_BYTES, MAX_UPSTREAM_FILE_BYTES } from './open-upstream-file';
import { MAX_OSV_FILE_BYTES, osvTextToContributions } from './osv.importer';

/*
 * OSV's per-ecosystem archives, `https://osv-vulnerabilities.storage.googleapis.com/<Ecosystem>/all.zip`:
 * one OSV record per entry (`GO-2023-1234.json`). The archive is read through its central
 * directory one entry at a time (never extracted to disk) and each entry goes through the OSV
 * importer's own parser, so an archive yields exactly what its files would yield imported one by one.
 *
 * An entry is the archive's record: an entry that is not an OSV document (bad JSON, neither
 * .json nor .yaml, encrypted, larger than one OSV record may be) is reported by its name and
 * skipped, and the rest of the archive imports — as a bad record inside a feed file is. An archive
 * that cannot be read (not a zip, truncated, an entry whose data fails to inflate or whose CRC-32
 * or size does not match the directory) is rejected whole, like any unreadable feed file:
 * contributions are stored only after the whole file parsed, so nothing of it is imported.
 */

/** A local file header, or the end-of-central-directory record of an empty archive. */
const ZIP_MAGIC = ['PK\u0003\u0004', 'PK\u0005\u0006'];

function kindOf(entryName: string): 'json' | 'yaml' | null {
  if (/\.json$/i.test(entryName)) return 'json';
  if (/\.ya?ml$/i.test(entryName)) return 'yaml';
  return null;
}

/** The entry's data, checked against the central directory's CRC-32 (yauzl checks the size only). */
async function readEntry(zip: ZipFile, entry: Entry): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
  const data = Buffer.concat(chunks);
  if (crc32(data) !== entry.crc32) throw new Error(`entry ${entry.fileName}: CRC-32 mismatch (damaged archive)`);
  return data;
}

async function* parseOsvZip(input: { filePath: string; fileName: string; onProblem: (problem: KbImportProblem) => void }): AsyncGenerator<KbContribution> {
  const { filePath, fileName, onProblem } = input;
  const size = statSync(filePath).size;
  if (size > MAX_UPSTREAM_FILE_BYTES) throw new Error(`${fileName}: file is ${size} bytes, larger than the ${MAX_UPSTREAM_FILE_BYTES}-byte limit`);
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(filePath, { lazyEntries: true, autoClose: false, validateEntrySizes: true });
  } catch (error) {
    throw new Error(`${fileName}: not a readable zip archive: ${(error as Error).message}`);
  }
  let inflated = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue; // a directory
      const skip = (message: string) => onProblem({ file: fileName, record: entry.fileName, message: `${message}; entry skipped` });
      const kind = kindOf(entry.fileName);
      if (!kind) {
        skip('not an OSV record (neither .json nor .yaml)');
        continue;
      }
      if (!entry.canDecodeFileData()) {
        skip(entry.isEncrypted() ? 'encrypted' : `compression method ${entry.compressionMethod} is not supported`);
        continue;
      }
      if (entry.uncompressedSize > MAX_OSV_FILE_BYTES) {
        skip(`${entry.uncompressedSize} bytes, larger than the ${MAX_OSV_FILE_BYTES}-byte limit of one OSV record`);
        continue;
      }
      // Sizes are the directory's; yauzl fails an entry whose data does not match them.
      inflated += entry.uncompressedSize;
      if (inflated > MAX_DECOMPRESSED_BYTES) throw new Error(`${fileName}: the archive decompresses to more than ${MAX_DECOMPRESSED_BYTES} bytes`);
      const text = (await readEntry(zip, entry)).toString('utf8');
      const entryFile = `${fileName}/${entry.fileName}`;
      let contributions: KbContribution[];
      try {
        contributions = osvTextToContributions(kind, text, entryFile, onProblem);
      } catch (error) {
        skip((error as Error).message.replace(`${entryFile}: `, ''));
        continue;
      }
      yield* contributions;
    }
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(message.startsWith(`${fileName}:`) ? message : `${fileName}: damaged zip archive: ${message}`);
  } finally {
    zip.close();
  }
}

export const osvZipImporter: KbImporter = {
  format: 'osv-zip',
  source: 'osv',
  detect: ({ head }) => ZIP_MAGIC.some((magic) => head.startsWith(magic)),
  parse: (input) => parseOsvZip(input),
};
