import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { debianTrackerJsonImporter } from '../../server/kb/importers/debian-tracker-json.importer';
import { osvJsonImporter } from '../../server/kb/importers/osv.importer';
import { osvZipImporter } from '../../server/kb/importers/osv-zip.importer';
import type { KbImporter } from '../../server/kb/kb-types';
import { PROJECT_ROOT } from '../helpers/cli';
import { entriesOf, osvFixtureJsonFiles, writeZip } from '../server/kb/osv-zip-archives';

/** The real tracker file is ~60 MB; the fixture's packages are repeated under other names up to that size. */
const TRACKER_BYTES = 60 * 1024 * 1024;
/** Copies of the 426 OSV fixture files in the archive (~8,500 entries, the size of a mid-sized ecosystem). */
const OSV_COPIES = 20;

async function timeParse(importer: KbImporter, files: string[]) {
  const started = process.hrtime.bigint();
  let records = 0;
  for (const filePath of files) {
    for await (const contribution of importer.parse({ filePath, fileName: path.basename(filePath), onProblem: () => {} })) records += contribution ? 1 : 0;
  }
  return { records, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-archives-'));
  try {
    const fixture = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'tests', 'fixtures', 'debian-tracker', 'security-tracker.json'), 'utf8')) as Record<string, unknown>;
    const packages = Object.entries(fixture).map(([name, cves]) => JSON.stringify({ [name]: cves }).slice(1, -1));
    const parts: string[] = [];
    let size = 2;
    for (let i = 0; size < TRACKER_BYTES; i++) {
      const part = packages[i % packages.length]!.replace(/^"([^"]+)"/, `"$1-${i}"`);
      parts.push(part);
      size += part.length + 2;
    }
    const tracker = path.join(dir, 'json');
    writeFileSync(tracker, `{${parts.join(', ')}}`);
    const rssBefore = process.memoryUsage().rss;
    const trackerRun = await timeParse(debianTrackerJsonImporter, [tracker]);
    process.stdout.write(
      `debian-tracker-json: ${mb(statSync(tracker).size)}, ${parts.length} packages, ${trackerRun.records} records parsed in ${trackerRun.seconds.toFixed(1)} s ` +
        `(${Math.round(trackerRun.records / trackerRun.seconds)} records/s, ${mb(statSync(tracker).size / trackerRun.seconds)}/s); RSS grew ${mb(Math.max(0, process.memoryUsage().rss - rssBefore))}\n`,
    );

    const files = osvFixtureJsonFiles('go', 'crates.io', 'bitnami', 'psf', 'almalinux', 'samples-via-vuls-data-update');
    const entries = Array.from({ length: OSV_COPIES }, (_, copy) => entriesOf(files).map((e) => ({ name: `${copy}-${e.name}`, data: e.data }))).flat();
    const zip = await writeZip(path.join(dir, 'all.zip'), entries);
    const extracted = path.join(dir, 'extracted');
    mkdirSync(extracted);
    for (const entry of entries) writeFileSync(path.join(extracted, entry.name), entry.data);
    const fromZip = await timeParse(osvZipImporter, [zip]);
    const fromFiles = await timeParse(osvJsonImporter, entries.map((entry) => path.join(extracted, entry.name)));
    process.stdout.write(
      `osv-zip: ${entries.length} entries (${mb(statSync(zip).size)} zipped): ${fromZip.records} records in ${fromZip.seconds.toFixed(1)} s (${Math.round(fromZip.records / fromZip.seconds)} records/s); ` +
        `the same files one by one: ${fromFiles.seconds.toFixed(1)} s (${Math.round(fromFiles.records / fromFiles.seconds)} records/s); zip/files time ratio ${(fromZip.seconds / fromFiles.seconds).toFixed(2)}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
