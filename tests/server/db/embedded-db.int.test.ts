import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, runVigil, tempDataDir } from '../../helpers/cli';

const dataDir = tempDataDir();
const env = cleanEnv({ VIGIL_DATA_DIR: dataDir });

afterAll(async () => {
  await runVigil(['db', 'stop'], { env });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('vigil db (embedded FerretDB on SQLite)', () => {
  it('reports not running before the first start', async () => {
    const result = await runVigil(['db', 'status', '--json'], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ running: false, uri: null, backend: 'sqlite', dataDir });
  });

  it('starts, reports its URI, and keeps data across a restart', async () => {
    const started = await runVigil(['db', 'start'], { env });
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/^started: mongodb:\/\/127\.0\.0\.1:\d+\//);
    const status = JSON.parse((await runVigil(['db', 'status', '--json'], { env })).stdout) as { running: boolean; uri: string };
    expect(status).toMatchObject({ running: true, backend: 'sqlite', dataDir });
    expect(status.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
    expect(existsSync(path.join(dataDir, 'logs', 'ferretdb.log'))).toBe(true);
    expect((await runVigil(['db', 'start'], { env })).stdout).toMatch(/^already running/);

    // The CLI uses the embedded database when MONGODB_URI is unset.
    expect((await runVigil(['credentials', 'add', '--name', 'kept', '--type', 'ssh-password', '--username', 'u'], { env, input: 'pw' })).code).toBe(0);
    expect((await runVigil(['db', 'stop'], { env })).stdout).toBe('stopped\n');
    expect(JSON.parse((await runVigil(['db', 'status', '--json'], { env })).stdout).running).toBe(false);

    // Any command that needs the database starts it again.
    const listed = await runVigil(['credentials', 'list', '--json'], { env });
    expect(JSON.parse(listed.stdout).map((c: { name: string }) => c.name)).toEqual(['kept']);
    expect(JSON.parse((await runVigil(['db', 'status', '--json'], { env })).stdout).running).toBe(true);
  });

  it('stop is idempotent', async () => {
    await runVigil(['db', 'stop'], { env });
    expect((await runVigil(['db', 'stop'], { env })).stdout).toBe('not running\n');
  });
});
