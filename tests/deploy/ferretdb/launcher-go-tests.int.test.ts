import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDatabase, dropPgDatabase } from '../../helpers/postgres';

/**
 * The launcher's own Go tests (deploy/ferretdb/*_test.go: flags, TLS and mutual TLS through the relay, the write
 * locks' parsing and order, both backends end to end), run with the toolchain scripts/setup.sh chose.
 */
const launcherDir = path.join(__dirname, '../../../deploy/ferretdb');
const pgName = `vigil_launcher_go_${process.pid}`;

function goBinary(): string {
  const recorded = path.join(launcherDir, 'bin', 'go-path');
  if (existsSync(recorded)) return readFileSync(recorded, 'utf8').trim();
  return existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go';
}

describe('FerretDB launcher (Go)', () => {
  let pgUrl: string;
  beforeAll(() => {
    dropPgDatabase(pgName);
    pgUrl = createPgDatabase(pgName);
  });
  afterAll(() => dropPgDatabase(pgName));

  it('go test passes, the PostgreSQL end-to-end test included', async () => {
    const go = goBinary();
    // TestMain builds the launcher with the `go` on PATH.
    const env = { ...process.env, PATH: `${path.dirname(go)}:${process.env.PATH ?? ''}`, GOFLAGS: '-mod=readonly', VIGIL_FERRETDB_TEST_POSTGRESQL_URL: pgUrl };
    const run = await promisify(execFile)(go, ['test', '-count=1', '-v', './...'], { cwd: launcherDir, env, maxBuffer: 64 * 1024 * 1024 }).then(
      ({ stdout }) => ({ ok: true, output: stdout }),
      (error: { stdout?: string; stderr?: string }) => ({ ok: false, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
    );
    expect(run.ok, run.output.slice(-4000)).toBe(true);
    // Every test ran: none skipped for want of PostgreSQL.
    expect(run.output).toMatch(/--- PASS: TestPostgreSQL/);
    expect(run.output).not.toMatch(/--- SKIP/);
  }, 600_000);

  it('the launcher links FerretDB 1.24.2 from the copy whose resource tracking build.sh replaced', async () => {
    const { stdout } = await promisify(execFile)(goBinary(), ['version', '-m', path.join(launcherDir, 'bin', 'vigil-ferretdb')]);
    // A plain `go build` links the module as it is in the cache, with no replacement.
    expect(stdout).toMatch(/\tdep\tgithub\.com\/FerretDB\/FerretDB\tv1\.24\.2\s*\n\t=>\t\S+\/deploy\/ferretdb\/bin\/ferretdb-src\t/);
  });
});
