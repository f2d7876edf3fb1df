import type { Command } from 'commander';
import type { KbSourceId } from '../../kb/kb-types';
import { withRuntime } from '../cli-runtime';
import { printJson, printTable } from '../cli-io';

async function loadKb() {
  const [{ KB_IMPORTERS }, keys] = await Promise.all([import('../../kb/importers/kb-importers'), import('../../kb/kb-signing-keys')]);
  return { importers: KB_IMPORTERS, ...keys };
}

export function registerKbCommands(program: Command): void {
  const kb = program.command('kb').description('the KnowledgeBase: import, mirror, export and inspect vulnerability data');

  kb.command('import')
    .description('import upstream feed files (format detected per file; folders are walked) or signed offline bundles')
    .argument('<paths...>', 'files or folders')
    .option('--json', 'machine-readable report')
    .action(async (paths: string[], options: { json?: boolean }) => {
      const report = await withRuntime(async (runtime) => {
        const { importKbFiles } = await import('../../services/kb/import-kb-files');
        const { importers, trustedKeys } = await loadKb();
        return importKbFiles({
          paths,
          importers,
          trustedKeys: trustedKeys(runtime.config.dataDir),
          onFile: (file) => {
            if (options.json) return;
            const name = file.file;
            if (!file.format) process.stderr.write(`vigil: skipped ${name}: ${file.error ?? 'not a recognised feed format'}\n`);
            else if (file.error) process.stderr.write(`vigil: ${name}: ${file.error}\n`);
            else process.stdout.write(`${name}  ${file.format}  ${file.read} records, ${file.changed} new or changed, ${file.unchanged} unchanged${file.older ? `, ${file.older} older than stored` : ''}, ${file.problems} problems\n`);
          },
        });
      });
      if (options.json) printJson({ ...report, merge: { ...report.merge, changedKeys: report.merge.changedKeys.length } });
      else {
        for (const problem of report.problems.slice(0, 20)) process.stderr.write(`vigil: ${problem.file}${problem.record ? ` [${problem.record}]` : ''}: ${problem.message}\n`);
        if (report.problemCount > 20) process.stderr.write(`vigil: … ${report.problemCount - 20} more problems (--json lists the first 1000)\n`);
        const m = report.merge;
        process.stdout.write(`KB records: ${m.created} created, ${m.updated} updated, ${m.unchanged} unchanged${m.scoreOnly ? `, ${m.scoreOnly} EPSS-only CVEs waiting for a primary source` : ''}\n`);
      }
      if (report.files.some((f) => f.error)) process.exitCode = 1;
    });

  kb.command('stats')
    .description('per-source record counts, last import/sync and freshness')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const stats = await withRuntime(async () => (await import('../../services/kb/get-kb-stats')).getKbStats());
      if (options.json) return printJson(stats);
      process.stdout.write(`${stats.vulnerabilities} vulnerabilities (${stats.kevListed} known exploited)\n`);
      printTable(
        stats.sources.map((s) => ({ source: s.source, records: String(s.records), contributions: String(s.contributions), 'last import': s.lastImportAt ?? '-', 'age (h)': s.ageHours === null ? '-' : String(s.ageHours), error: s.lastError ?? '' })),
        ['source', 'records', 'contributions', 'last import', 'age (h)', 'error'],
      );
    });

  kb.command('sync')
    .description('pull the configured upstream sources now (conditional requests: unchanged files are not downloaded)')
    .option('--source <id>', 'only this source')
    .option('--json', 'machine-readable report')
    .action(async (options: { source?: string; json?: boolean }) => {
      const reports = await withRuntime(async (runtime) => {
        const { syncKbSources } = await import('../../services/kb/sync-kb-sources');
        const { importers, trustedKeys } = await loadKb();
        return syncKbSources({
          dataDir: runtime.config.dataDir,
          importers,
          trustedKeys: trustedKeys(runtime.config.dataDir),
          ...(options.source ? { sourceIds: [options.source as KbSourceId] } : {}),
          onSource: (r) => {
            if (options.json) return;
            const detail = r.error ? `: ${r.error}` : r.import ? ` (${r.import.created} created, ${r.import.updated} updated)` : '';
            process.stdout.write(`${r.source}  ${r.outcome}  ${r.downloaded} downloaded, ${r.notModified} not modified, ${r.bytes} bytes, ${r.durationMs} ms${detail}\n`);
          },
        });
      });
      if (options.json) printJson(reports);
      if (reports.some((r) => r.outcome === 'failed')) process.exitCode = 1;
    });

  const source = kb.command('source').description('mirror settings of the upstream sources');
  source
    .command('list')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const sources = await withRuntime(async () => (await import('../../services/kb/sync-kb-sources')).effectiveSources());
      const rows = sources.map((s) => ({ id: s.id, enabled: s.enabled, urls: s.urls, authHeader: Boolean(s.config?.authHeader) }));
      if (options.json) return printJson(rows);
      printTable(rows.map((r) => ({ id: r.id, enabled: r.enabled ? 'yes' : 'no', auth: r.authHeader ? 'yes' : 'no', urls: r.urls.join(' ') })), ['id', 'enabled', 'auth', 'urls']);
    });
  source
    .command('set <id>')
    .description('point a source at other URLs (an internal mirror), enable or disable it; --auth-header-stdin reads "Name: value" from stdin')
    .option('--url <url...>', 'replace the URLs (repeat for several files)')
    .option('--default-urls', 'go back to the official upstream URLs')
    .option('--enable')
    .option('--disable')
    .option('--auth-header-stdin', 'read an extra request header ("Authorization: Bearer …", NVD "apiKey: …") from stdin; stored encrypted')
    .action(async (id: string, options: { url?: string[]; defaultUrls?: boolean; enable?: boolean; disable?: boolean; authHeaderStdin?: boolean }) => {
      const { readStdin, stripOneNewline } = await import('../cli-io');
      const header = options.authHeaderStdin ? stripOneNewline(await readStdin({ maxBytes: 8192, what: 'header' })) : undefined;
      await withRuntime(async (runtime) => {
        const { setKbSource } = await import('../../services/kb/set-kb-source');
        await setKbSource({ id, urls: options.defaultUrls ? null : options.url, enabled: options.enable ? true : options.disable ? false : undefined, authHeader: header, encryption: runtime.encryption });
      });
      process.stdout.write(`updated source ${id}\n`);
    });

  kb.command('export')
    .description('write a signed offline bundle (Ed25519) of the KB, or of the changes since another bundle')
    .requiredOption('--out <file>', 'bundle file to write')
    .option('--since <bundle>', 'only what changed after this earlier bundle was made')
    .option('--json', 'print the manifest as JSON')
    .action(async (options: { out: string; since?: string; json?: boolean }) => {
      const manifest = await withRuntime(async (runtime) => {
        const { exportKbBundle } = await import('../../services/kb/export-kb-bundle');
        return exportKbBundle({ out: options.out, dataDir: runtime.config.dataDir, producer: `vigil ${runtime.version}`, ...(options.since ? { sinceBundle: options.since } : {}) });
      });
      if (options.json) return printJson(manifest);
      process.stdout.write(`wrote ${options.out}: ${manifest.contributions} records, signed by key ${manifest.keyId} (public key: ${manifest.publicKeyFile})\n`);
    });

  kb.command('verify <file>')
    .description('exit 0 only for an intact bundle signed by a trusted key')
    .option('--json', 'print the manifest as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const { loadConfig } = await import('../../config/env');
      const { verifyBundle } = await import('../../kb/kb-bundle');
      const { trustedKeys } = await loadKb();
      const { manifest, keyId } = await verifyBundle({ file, trusted: trustedKeys(loadConfig().dataDir) });
      if (options.json) return printJson({ valid: true, keyId, manifest });
      process.stdout.write(`${file}: valid, signed by ${keyId}, ${manifest.contributions} records, made ${manifest.createdAt}\n`);
    });

  kb.command('trust <publicKeyFile>')
    .description("trust bundles signed by this Ed25519 public key (the producer's kb-signing/ed25519.pub)")
    .action(async (file: string) => {
      const { loadConfig } = await import('../../config/env');
      const { trustKey } = await loadKb();
      process.stdout.write(`trusted key ${trustKey(loadConfig().dataDir, file)}\n`);
    });

}
