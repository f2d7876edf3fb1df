import path from 'node:path';
import { KB_IMPORTERS } from '../../server/kb/importers/kb-importers';
import { loadConfig } from '../../server/config/env';
import { createLogger } from '../../server/logging/logger';
import { closeRuntime, openRuntime } from '../../server/runtime/runtime';
import { detectImporter, expandPaths, importKbFiles } from '../../server/services/kb/import-kb-files';
import { startFerretDb } from '../helpers/ferretdb';
import { KB_FIXTURES } from '../helpers/fixtures';
import { createPgDatabase, dropPgDatabase } from '../helpers/postgres';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';

/**
 * Imports every fixture file into a fresh KB (FerretDB on PostgreSQL) and compares with the
 * time that merely reading and parsing the same files takes: the ratio is the cost of
 * storing, de-duplicating and merging on top of parsing.
 */
export async function run(): Promise<void> {
  const files = expandPaths([KB_FIXTURES]).map((f) => f.file);

  const parseStart = performance.now();
  let parsed = 0;
  for (const file of files) {
    const importer = await detectImporter(KB_IMPORTERS, file);
    if (!importer) continue;
    for await (const _ of importer.parse({ filePath: file, fileName: path.basename(file), onProblem: () => undefined })) parsed += 1;
  }
  const parseMs = performance.now() - parseStart;

  const pgName = `vigil_bench_${process.pid}`;
  const ferret = await startFerretDb(['--backend', 'postgresql', '--postgresql-url', createPgDatabase(pgName)]);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-'));
  try {
    const config = loadConfig({ MONGODB_URI: `${ferret.uri.replace(/\/+$/, '')}/vigil`, VIGIL_DATA_DIR: dataDir });
    await openRuntime({ config, log: createLogger({ level: 'silent' }) });
    const importStart = performance.now();
    const report = await importKbFiles({ paths: [KB_FIXTURES], importers: KB_IMPORTERS, trustedKeys: new Map() });
    const importMs = performance.now() - importStart;
    const reimportStart = performance.now();
    await importKbFiles({ paths: [KB_FIXTURES], importers: KB_IMPORTERS, trustedKeys: new Map() });
    const reimportMs = performance.now() - reimportStart;
    const stored = report.files.reduce((sum, f) => sum + (f.read ?? 0), 0);
    const line = (label: string, value: string) => process.stdout.write(`${label.padEnd(44)} ${value}\n`);
    line('fixture files', String(files.length));
    line('records parsed (parse only)', `${parsed} in ${parseMs.toFixed(0)} ms = ${Math.round(parsed / (parseMs / 1000))} records/s`);
    line('records imported (parse+store+merge)', `${stored} in ${importMs.toFixed(0)} ms = ${Math.round(stored / (importMs / 1000))} records/s`);
    line('KB records created', String(report.merge.created));
    line('re-import of unchanged files', `${reimportMs.toFixed(0)} ms`);
    line('ratio import / parse-only', `${(importMs / parseMs).toFixed(2)}x`);
  } finally {
    await closeRuntime();
    await ferret.stop();
    dropPgDatabase(pgName);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
