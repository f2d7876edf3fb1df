import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, runVigil, tempDataDir } from '../../helpers/cli';
import { fixture } from '../../helpers/fixtures';
import { dropDatabase, testDatabaseUri } from '../../helpers/test-db';

// Two installations: a connected producer (A) and an air-gapped consumer (B).
const a = { ...testDatabaseUri(), dataDir: tempDataDir() };
const b = { ...testDatabaseUri(), dataDir: tempDataDir() };
const envA = cleanEnv({ MONGODB_URI: a.uri, VIGIL_DATA_DIR: a.dataDir });
const envB = cleanEnv({ MONGODB_URI: b.uri, VIGIL_DATA_DIR: b.dataDir });
const bundle = path.join(a.dataDir, 'kb.bundle');

afterAll(async () => {
  await Promise.all([dropDatabase(a.uri), dropDatabase(b.uri)]);
  for (const dir of [a.dataDir, b.dataDir]) rmSync(dir, { recursive: true, force: true });
});

const stats = async (env: typeof envA) => JSON.parse((await runVigil(['kb', 'stats', '--json'], { env })).stdout) as { vulnerabilities: number; sources: { source: string; records: number }[] };

describe('vigil kb import / stats / export / verify', () => {
  it('imports feed files with detected formats and reports per-source counts', async () => {
    const result = await runVigil(['kb', 'import', fixture('kev'), fixture('alpine', 'v3.17', 'main.json'), fixture('epss', 'epss_scores-2025-08-25.subset.csv')], { env: envA, timeoutMs: 240_000 });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/known_exploited_vulnerabilities\.subset\.json {2}cisa-kev {2}827 records, 827 new or changed/);
    expect(result.stdout).toMatch(/main\.json {2}alpine-secdb/);
    const s = await stats(envA);
    expect(s.sources.find((x) => x.source === 'kev')?.records).toBe(827);
    expect(s.sources.find((x) => x.source === 'epss')?.records).toBe(31);
    expect(s.vulnerabilities).toBeGreaterThanOrEqual(827);
  });

  it('exports a signed bundle that verifies', async () => {
    const exported = await runVigil(['kb', 'export', '--out', bundle, '--json'], { env: envA });
    expect(exported.code).toBe(0);
    const manifest = JSON.parse(exported.stdout) as { contributions: number; keyId: string };
    expect(manifest.contributions).toBeGreaterThan(827);
    const verified = await runVigil(['kb', 'verify', bundle], { env: envA });
    expect(verified).toMatchObject({ code: 0, stderr: '' });
    expect(verified.stdout).toMatch(new RegExp(`valid, signed by ${manifest.keyId}`));
  });

  it('an air-gapped site refuses the bundle until it trusts the key, and refuses any altered byte', async () => {
    const untrusted = await runVigil(['kb', 'verify', bundle], { env: envB });
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(/^vigil: .*kb\.bundle is signed by key [0-9a-f]{16}, which is not trusted here/);

    const pub = path.join(b.dataDir, 'producer.pub');
    copyFileSync(path.join(a.dataDir, 'kb-signing', 'ed25519.pub'), pub);
    expect((await runVigil(['kb', 'trust', pub], { env: envB })).code).toBe(0);
    expect((await runVigil(['kb', 'verify', bundle], { env: envB })).code).toBe(0);

    const tampered = path.join(b.dataDir, 'tampered.bundle');
    const bytes = readFileSync(bundle);
    const at = bytes.length - 100;
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0x01, at);
    writeFileSync(tampered, bytes);
    const verify = await runVigil(['kb', 'verify', tampered], { env: envB });
    expect(verify.code).toBe(1);
    expect(verify.stderr).toMatch(/does not match its signed hash/);
    const imported = await runVigil(['kb', 'import', tampered], { env: envB });
    expect(imported.code).toBe(1);
    expect(imported.stderr).toMatch(/does not match its signed hash/);
    expect((await stats(envB)).vulnerabilities).toBe(0);

    const headerTampered = path.join(b.dataDir, 'header.bundle');
    writeFileSync(headerTampered, readFileSync(bundle, 'utf8').replace('"contributions":', '"contributions":1'));
    expect((await runVigil(['kb', 'verify', headerTampered], { env: envB })).stderr).toMatch(/signature does not match|damaged|signed hash/);
  });

  it('imports the verified bundle into the same KB the producer has', async () => {
    const imported = await runVigil(['kb', 'import', bundle], { env: envB, timeoutMs: 240_000 });
    expect(imported.code).toBe(0);
    const [sa, sb] = [await stats(envA), await stats(envB)];
    expect(sb.vulnerabilities).toBe(sa.vulnerabilities);
    expect(sb.sources.map((s) => [s.source, s.records])).toEqual(sa.sources.map((s) => [s.source, s.records]));
  });

  it('rejects a path that does not exist with one line', async () => {
    const result = await runVigil(['kb', 'import', '/nonexistent/feed.json'], { env: envA });
    expect(result).toMatchObject({ code: 2, stderr: 'vigil: /nonexistent/feed.json: no such file or directory\n' });
  });
});
