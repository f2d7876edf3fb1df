/**
 * `npm run bench -- <name>`: benchmarks print figures (and a ratio to a peer where one exists);
 * they never assert timings. Each runs against real components it starts itself.
 */
const benches: Record<string, () => Promise<void>> = {
  'kb-import': async () => (await import('./kb-import.bench')).run(),
  detect: async () => (await import('./detect.bench')).run(),
  scan: async () => (await import('./scan.bench')).run(),
  findings: async () => (await import('./findings.bench')).run(),
  'kb-archives': async () => (await import('./kb-archives.bench')).run(),
};

async function main() {
  const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const selected = names.length > 0 ? names : Object.keys(benches);
  for (const name of selected) {
    const bench = benches[name];
    if (!bench) {
      process.stderr.write(`unknown benchmark "${name}" (known: ${Object.keys(benches).join(', ')})\n`);
      process.exit(2);
    }
    process.stdout.write(`\n## ${name}\n`);
    await bench();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
