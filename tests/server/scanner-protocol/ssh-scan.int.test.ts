import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_SCOPE } from '../../../server/auth/scope';
import type { Runtime } from '../../../server/runtime/runtime';
import { addCredential } from '../../../server/services/credentials/add-credential';
import { addCredentialInput } from '../../../server/services/credentials/credential-input';
import { cleanEnv, runVigil, tempDataDir } from '../../helpers/cli';
import { fixture } from '../../helpers/fixtures';
import { startOpenSshServer, type OpenSshServer } from '../../helpers/openssh-server';
import { closeRuntime, openTestRuntime } from '../../helpers/runtime';
import { enrollTestNode, startProtocolConsole, type ProtocolConsole, type TestNode } from '../../helpers/scanner-lab';
import { dropDatabase, dumpContains, rawDump, testDatabaseUri } from '../../helpers/test-db';
import { importDetectionKb } from '../detection/golden/fixture-kb';

/**
 * The whole authenticated path, as the "must show" puts it: two enrolled nodes, a scan of 127.0.0.1 with
 * an SSH credential against Debian's real sshd, this machine's real package list, detection against the real
 * Debian OVAL fixture, and the asset's packages and findings in `vigil scan launch --wait --json`.
 */
const { uri } = testDatabaseUri();
const keyDir = tempDataDir();
const masterKeyFile = path.join(keyDir, 'master.key');
const cliEnv = cleanEnv({ MONGODB_URI: uri, VIGIL_MASTER_KEY_FILE: masterKeyFile, VIGIL_DATA_DIR: keyDir });

let runtime: Runtime;
let consoleServer: ProtocolConsole;
let sshd: OpenSshServer;
let nodes: TestNode[] = [];

/**
 * This machine is fully patched, so the real fixture data rightly finds nothing on it (the test checks that too:
 * no false positive). To see a finding travel the whole path, one advisory in the Debian tracker's own DSA-list
 * format names this machine's openssl source package as fixed one revision above the installed version.
 */
const OPENSSL_SOURCE_VERSION = execFileSync('dpkg-query', ['-W', '-f', '${source:Version}', 'openssl'], { encoding: 'utf8' }).trim();
function writeTestAdvisory(): string {
  const dir = path.join(tempDataDir(), 'tracker');
  mkdirSync(dir);
  const file = path.join(dir, 'DSA-list');
  writeFileSync(file, `[01 Dec 2026] DSA-9999-1 openssl - security update\n\t{CVE-2099-0001}\n\t[bookworm] - openssl ${OPENSSL_SOURCE_VERSION}+vigil1\n`);
  return file;
}

interface LaunchOutput {
  run: { status: string; hosts: { address: string; problems: { stage: string; message: string }[] }[] };
  assets: {
    packageCount: number;
    sshHostKeys: { fingerprint: string }[];
    packages: { name: string; version: string }[];
    findings: { vulnId: string; package: string; installedVersion: string; fixedVersion: string | null; unfixed: boolean; confidence: string; ruleSource: string; status: string }[];
  }[];
}

beforeAll(async () => {
  runtime = await openTestRuntime({ uri, masterKeyFile });
  [sshd, consoleServer] = await Promise.all([startOpenSshServer(), startProtocolConsole({ runtime })]);
  await importDetectionKb([fixture('debian', 'oval-definitions-bookworm.subset.xml.bz2'), writeTestAdvisory()]);
  await addCredential({ scope: SYSTEM_SCOPE, encryption: runtime.encryption, input: addCredentialInput.parse({ name: 'lab-ssh', type: 'ssh-password', username: sshd.user, password: sshd.password }) });
  nodes = await Promise.all(['ssh-a', 'ssh-b'].map((name) => enrollTestNode({ console: consoleServer, name })));
  for (const node of nodes) node.start();
}, 300_000);

afterAll(async () => {
  await Promise.all(nodes.map((node) => node.stop('SIGKILL')));
  await sshd?.stop();
  await consoleServer?.close();
  await closeRuntime();
  await dropDatabase(uri);
});

describe('an authenticated scan with two nodes', () => {
  let output: LaunchOutput;

  it('completes and prints the asset with its packages and findings', async () => {
    const created = await runVigil(['scan', 'create', '--name', 'ssh-lab', '--targets', '127.0.0.1', '--ports', String(sshd.port), '--credential', 'lab-ssh'], { env: cliEnv });
    expect(created.stderr).toBe('');
    const launched = await runVigil(['scan', 'launch', 'ssh-lab', '--wait', '--json', '--timeout', '200'], { env: cliEnv, timeoutMs: 220_000 });
    expect(launched.stderr, nodes.map((node) => node.logs().slice(-4000)).join('\n')).toBe('');
    output = JSON.parse(launched.stdout) as LaunchOutput;
    expect(output.run.status).toBe('completed');
    expect(output.run.hosts[0]!.problems).toEqual([]);
    expect(output.assets).toHaveLength(1);
  }, 240_000);

  it('holds this machine’s real package list and the host key sshd presented', () => {
    const asset = output.assets[0]!;
    const installed = execFileSync('dpkg-query', ['-W', '-f', '${db:Status-Status} ${Package}\\n'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.startsWith('installed '));
    expect(asset.packageCount).toBe(installed.length);
    expect(asset.sshHostKeys.map((k) => k.fingerprint)).toEqual([sshd.hostKeyFingerprint]);
  });

  it('finds exactly the test advisory on this patched machine, with its evidence, agreeing with dpkg --compare-versions', () => {
    const findings = output.assets[0]!.findings;
    // One finding per installed binary package built from the openssl source package.
    const fromOpenssl = execFileSync('dpkg-query', ['-W', '-f', '${db:Status-Status} ${source:Package} ${Package}\\n'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.startsWith('installed openssl '))
      .map((line) => line.split(' ')[2]!.replace(/:.*$/, ''));
    expect(findings.map((f) => f.package).sort()).toEqual([...new Set(fromOpenssl)].sort());
    expect(new Set(findings.map((f) => f.vulnId))).toEqual(new Set(['CVE-2099-0001']));
    for (const finding of findings) {
      expect(finding).toMatchObject({ status: 'new', confidence: 'confirmed', installedVersion: OPENSSL_SOURCE_VERSION, fixedVersion: `${OPENSSL_SOURCE_VERSION}+vigil1` });
      expect(finding.installedVersion).toBeTruthy();
      if (finding.unfixed) expect(finding.fixedVersion).toBeNull();
      else execFileSync('dpkg', ['--compare-versions', finding.installedVersion, 'lt', finding.fixedVersion!]);
    }
  });

  it('keeps the SSH password out of the database in clear', async () => {
    expect(dumpContains(await rawDump(uri), sshd.password)).toBe(false);
  });
});
