import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostResult } from '../../../../scanner/protocol/v1/schemas';
import type { Scope } from '../../../../server/auth/scope';
import type { Inventory } from '../../../../server/inventory/inventory.schema';
import { AssetModel } from '../../../../server/models/asset.model';
import { FindingModel } from '../../../../server/models/finding.model';
import { InventoryModel } from '../../../../server/models/inventory.model';
import { KbVulnerabilityModel } from '../../../../server/models/kb-vulnerability.model';
import { withKbGeneration } from '../../../../server/models/kb-generation.model';
import type { Runtime } from '../../../../server/runtime/runtime';
import { getAsset } from '../../../../server/services/assets/get-asset';
import { listAssets } from '../../../../server/services/assets/list-assets';
import { knownHostKeys } from '../../../../server/services/assets/asset-identity';
import { recordHostResult } from '../../../../server/services/assets/record-host-result';
import { reevaluateAfterKbChange } from '../../../../server/services/detection/reevaluate-inventories';
import { listFindings } from '../../../../server/services/findings/list-findings';
import { createServerCaller } from '../../../../server/trpc/root';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { dropDatabase, dumpContains, rawDump, testDatabaseUri } from '../../../helpers/test-db';
import { testContext, testPrincipal } from '../../../helpers/trpc-context';
import { seedKb } from '../kb/kb-seed';

/**
 * The asset store on real FerretDB with the seeded KB: a host's results make one asset whose identity survives
 * address changes, findings open / fix / reopen with their first and last seen, a changed host key raises an alert
 * and changes nothing else, evidence is never stored in clear, and another unit sees none of it.
 */

const { uri } = testDatabaseUri();
let runtime: Runtime;
const UNIT_A = 'unit-a';
const unitA: Scope = { kind: 'units', businessUnitIds: [UNIT_A] };
const unitB: Scope = { kind: 'units', businessUnitIds: ['unit-b'] };

const KEY_WEB = { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:web1KeyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' };
const KEY_DB = { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:db1KeyBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB' };
const KEY_IMPOSTOR = { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:otherKeyCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC' };
const BANNER_MARKER = 'Banner-Marker-7Q2';
const RAW_MARKER = 'Raw-Output-Marker-K9';

/** Debian 12 with openssh below the DSA-5724-1 fix (CVE-2024-6387 in the seeded KB) unless `opensshVersion` says otherwise. */
function bookworm(host: string, opensshVersion = '1:9.2p1-2+deb12u2'): Inventory {
  return {
    host,
    os: { family: 'debian', name: 'debian', version: '12', codename: 'bookworm' },
    kernel: '6.1.0-18-amd64',
    packages: [
      { name: 'openssh-server', version: opensshVersion, source: 'openssh', arch: 'amd64', ecosystem: 'deb' },
      { name: 'openssh-client', version: opensshVersion, source: 'openssh', arch: 'amd64', ecosystem: 'deb' },
      { name: 'base-files', version: '12.4+deb12u5', arch: 'amd64', ecosystem: 'deb' },
    ],
    services: [],
  };
}

const sshService = { port: 22, proto: 'tcp' as const, name: 'ssh', product: 'OpenSSH', version: '9.2p1', cpe: 'cpe:2.3:a:openbsd:openssh:9.2:p1:*:*:*:*:*:*', banner: `SSH-2.0-OpenSSH_9.2p1 ${BANNER_MARKER}` };
const httpService = { port: 80, proto: 'tcp' as const, name: 'http', banner: `HTTP/1.1 200 OK Server: nginx ${BANNER_MARKER}`, http: { status: 200, server: 'nginx', title: 'Welcome' } };

function hostResult(overrides: Partial<HostResult> = {}): HostResult {
  return {
    address: '127.0.0.21',
    hostname: 'web1.vigil.test',
    reachable: true,
    openPorts: [
      { port: 22, proto: 'tcp', state: 'open' },
      { port: 80, proto: 'tcp', state: 'open' },
      { port: 8080, proto: 'tcp', state: 'open' },
    ],
    closedPorts: 997,
    filteredPorts: 0,
    services: [sshService, httpService],
    ssh: { hostKey: KEY_WEB, authenticated: true, inventory: bookworm('web1'), rawOutput: `ID=debian\n${RAW_MARKER}\n` },
    problems: [],
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:05.000Z',
    ...overrides,
  };
}

const record = (result: HostResult, runId = 'run-1', businessUnitId = UNIT_A) => recordHostResult({ encryption: runtime.encryption, businessUnitId, runId, result });

let webId = '';

beforeAll(async () => {
  runtime = await openTestRuntime({ uri });
  await seedKb();
});

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

describe('recording host results', () => {
  it('ignores an unreachable host with no open port', async () => {
    expect(await record(hostResult({ address: '127.0.0.99', hostname: undefined, reachable: false, openPorts: [], services: [], ssh: undefined }))).toBeNull();
    expect(await AssetModel.countDocuments({})).toBe(0);
  });

  it('makes an asset of an SSH-inventoried host, with open findings first and last seen now', async () => {
    const outcome = await record(hostResult());
    expect(outcome).toMatchObject({ created: true, hostKeyAlert: false, findings: { open: 2, appeared: 2, fixed: 0 } });
    webId = outcome!.assetId;

    const asset = await getAsset({ scope: unitA, id: webId });
    expect(asset).toMatchObject({
      name: 'web1.vigil.test',
      hostnames: ['web1.vigil.test', 'web1'],
      addresses: ['127.0.0.21'],
      os: { name: 'debian', codename: 'bookworm' },
      kernel: '6.1.0-18-amd64',
      packageCount: 3,
      openFindings: { high: 2, total: 2 },
      hostKeyAlert: null,
      sshHostKeys: [{ ...KEY_WEB }],
    });
    expect(asset.packages.map((p) => p.name)).toEqual(['openssh-server', 'openssh-client', 'base-files']);
    expect(asset.services.map((s) => [s.port, s.name])).toEqual([
      [22, 'ssh'],
      [80, 'http'],
      [8080, 'unknown'],
    ]);
    expect(asset.services[1]).toMatchObject({ http: { status: 200, server: 'nginx', title: 'Welcome' } });
    // The banner matched by CPE is dropped: Debian's own data decides for an installed openssh (backports).
    expect(asset.findings.map((f) => [f.vulnId, f.package, f.status])).toEqual([
      ['CVE-2024-6387', 'openssh-client', 'new'],
      ['CVE-2024-6387', 'openssh-server', 'new'],
    ]);
    const [finding] = asset.findings;
    expect(finding).toMatchObject({ installedVersion: '1:9.2p1-2+deb12u2', fixedVersion: '1:9.2p1-2+deb12u3', source: 'debian-oval', confidence: 'confirmed', severity: 'high', sourcePackage: 'openssh', fixedAt: null, timesSeen: 1, slaState: 'ok', exceptionState: null });
    expect(finding!.rule).toMatch(/debian-oval bookworm openssh/);
    expect(finding!.firstSeenAt).toBe(finding!.lastSeenAt);
    expect(JSON.stringify(asset)).not.toMatch(/Marker|evidence/);
  });

  it('sees the same findings again (active; last seen moves, first seen stays), then fixes them when the package is upgraded', async () => {
    const before = await FindingModel.findOne({ assetId: webId, package: 'openssh-server' }).lean();
    expect(await record(hostResult(), 'run-2')).toMatchObject({ assetId: webId, created: false, findings: { open: 2, appeared: 0, fixed: 0 } });
    const seen = await FindingModel.findOne({ _id: before!._id }).lean();
    expect(seen).toMatchObject({ status: 'active', timesSeen: 2, firstSeenAt: before!.firstSeenAt, lastRunId: 'run-2' });
    // The same run's result recorded again (a retried upload) is no new sighting.
    await record(hostResult(), 'run-2');
    expect(await FindingModel.findOne({ _id: before!._id }).lean()).toMatchObject({ status: 'active', timesSeen: 2 });
    expect(seen!.lastSeenAt.getTime()).toBeGreaterThan(before!.lastSeenAt.getTime());

    const upgraded = hostResult({ ssh: { hostKey: KEY_WEB, authenticated: true, inventory: bookworm('web1', '1:9.2p1-2+deb12u3') } });
    expect(await record(upgraded, 'run-3')).toMatchObject({ assetId: webId, findings: { open: 0, appeared: 0, fixed: 2 } });
    const fixed = await FindingModel.findOne({ _id: before!._id }).lean();
    expect(fixed).toMatchObject({ status: 'fixed', fixedReason: 'not-seen-by-scan', firstSeenAt: before!.firstSeenAt, lastRunId: 'run-3' });
    expect(fixed!.fixedAt).toBeInstanceOf(Date);
    expect((await getAsset({ scope: unitA, id: webId })).openFindings.total).toBe(0);
  });

  it('reopens a finding that comes back, keeping its first seen', async () => {
    const fixed = await FindingModel.findOne({ assetId: webId, package: 'openssh-server' }).lean();
    expect(await record(hostResult(), 'run-4')).toMatchObject({ findings: { open: 2, appeared: 2, fixed: 0 } });
    const reopened = await FindingModel.findOne({ _id: fixed!._id }).lean();
    expect(reopened).toMatchObject({ status: 'reopened', fixedAt: null, fixedReason: null, timesSeen: 3, firstSeenAt: fixed!.firstSeenAt });
    expect(reopened!.reopenedAt!.getTime()).toBeGreaterThan(fixed!.fixedAt!.getTime());
  });

  it('a network-only scan leaves package findings alone', async () => {
    const before = await FindingModel.find({ assetId: webId }, { status: 1, lastSeenAt: 1 }).sort({ _id: 1 }).lean();
    expect(await record(hostResult({ ssh: undefined }), 'run-5')).toMatchObject({ assetId: webId, findings: { open: 2, appeared: 0, fixed: 0 } });
    expect(await FindingModel.find({ assetId: webId }, { status: 1, lastSeenAt: 1 }).sort({ _id: 1 }).lean()).toEqual(before);
    expect((await getAsset({ scope: unitA, id: webId })).packageCount).toBe(3);
  });

  it('follows a host to a new address by its host key, and takes the address from the asset that had it', async () => {
    const moved = await record(hostResult({ address: '127.0.0.22', hostname: undefined }), 'run-6');
    expect(moved).toMatchObject({ assetId: webId, created: false, hostKeyAlert: false });
    expect((await getAsset({ scope: unitA, id: webId })).addresses).toEqual(['127.0.0.22', '127.0.0.21']);

    const db = await record(hostResult({ address: '127.0.0.23', hostname: 'db1.vigil.test', services: [], ssh: { hostKey: KEY_DB, authenticated: true, inventory: bookworm('db1', '1:9.2p1-2+deb12u3') } }));
    expect(db).toMatchObject({ created: true, findings: { open: 0 } });
    // db1 is readdressed to web1's former address: same key, same asset; web1 no longer claims the address.
    expect(await record(hostResult({ address: '127.0.0.21', hostname: undefined, services: [], ssh: { hostKey: KEY_DB, authenticated: true } }))).toMatchObject({ assetId: db!.assetId });
    expect((await getAsset({ scope: unitA, id: webId })).addresses).toEqual(['127.0.0.22']);
    expect((await getAsset({ scope: unitA, id: db!.assetId })).addresses).toEqual(['127.0.0.21', '127.0.0.23']);
    expect(await knownHostKeys({ businessUnitId: UNIT_A, addresses: ['127.0.0.21', '127.0.0.22', '127.0.0.98'] })).toEqual(
      new Map([
        ['127.0.0.21', KEY_DB.fingerprint],
        ['127.0.0.22', KEY_WEB.fingerprint],
      ]),
    );
    expect(await knownHostKeys({ businessUnitId: 'unit-b', addresses: ['127.0.0.21'] })).toEqual(new Map());
  });

  it('raises a host-key alert on a changed key and keeps the inventory it had', async () => {
    const packagesBefore = (await InventoryModel.findById(webId, { packagesText: 1 }).lean())!.packagesText;
    const impostor = hostResult({ address: '127.0.0.22', ssh: { hostKey: KEY_IMPOSTOR, authenticated: true, inventory: { ...bookworm('web1'), packages: [] }, rawOutput: 'replaced' } });
    expect(await record(impostor, 'run-7')).toMatchObject({ assetId: webId, created: false, hostKeyAlert: true, findings: { open: 2, appeared: 0, fixed: 0 } });

    const asset = await getAsset({ scope: unitA, id: webId });
    expect(asset.hostKeyAlert).toMatchObject({ expected: [KEY_WEB.fingerprint], presented: KEY_IMPOSTOR.fingerprint });
    expect(asset.sshHostKeys.map((k) => k.fingerprint)).toEqual([KEY_WEB.fingerprint]);
    expect(asset.packageCount).toBe(3);
    expect(asset.findings.filter((f) => f.status !== 'fixed')).toHaveLength(2);
    expect((await InventoryModel.findById(webId, { packagesText: 1 }).lean())!.packagesText).toBe(packagesBefore);
    // The node's own refusal (no key in the result) alerts too; the known key stays what jobs expect.
    expect(await record(hostResult({ address: '127.0.0.22', ssh: undefined, problems: [{ stage: 'host-key-mismatch', message: 'host key differs from the expected one' }] }))).toMatchObject({ hostKeyAlert: true });
    expect((await knownHostKeys({ businessUnitId: UNIT_A, addresses: ['127.0.0.22'] })).get('127.0.0.22')).toBe(KEY_WEB.fingerprint);
  });

  it('detects on services alone for a host without SSH: potential findings, fixed when the service is gone', async () => {
    const edge = await record(hostResult({ address: '127.0.0.30', hostname: 'edge.vigil.test', services: [sshService], ssh: undefined }));
    expect(edge).toMatchObject({ created: true, findings: { open: 1, appeared: 1 } });
    const { findings, os, packageCount } = await getAsset({ scope: unitA, id: edge!.assetId });
    expect({ os, packageCount }).toEqual({ os: null, packageCount: 0 });
    expect(findings).toEqual([expect.objectContaining({ vulnId: 'CVE-2024-6387', ecosystem: 'cpe', package: 'openbsd:openssh', installedVersion: '9.2p1', fixedVersion: '9.8', confidence: 'potential', source: 'nvd', port: 22 })]);

    const closed = await record(hostResult({ address: '127.0.0.30', hostname: 'edge.vigil.test', openPorts: [], closedPorts: 1000, services: [], ssh: undefined }));
    expect(closed).toMatchObject({ assetId: edge!.assetId, findings: { open: 0, fixed: 1 } });
  });
});

describe('reading assets and findings', () => {
  it('lists assets with their open findings per severity: filtered, sorted, paged on the server', async () => {
    const all = await listAssets({ scope: unitA, page: 1, pageSize: 10, sort: { by: 'findings', direction: 'desc' } });
    expect(all.total).toBe(3);
    expect(all.items[0]).toMatchObject({ id: webId, openFindings: { high: 2, total: 2 }, serviceCount: 3, hostKeyAlert: { presented: null } });
    expect((await listAssets({ scope: unitA, query: 'EDGE', page: 1, pageSize: 10, sort: { by: 'name', direction: 'asc' } })).items.map((a) => a.name)).toEqual(['edge.vigil.test']);
    expect((await listAssets({ scope: unitA, query: '127.0.0.2', page: 1, pageSize: 10, sort: { by: 'name', direction: 'asc' } })).items.map((a) => a.name)).toEqual(['db1.vigil.test', 'web1.vigil.test']);
    const page2 = await listAssets({ scope: unitA, page: 2, pageSize: 2, sort: { by: 'name', direction: 'asc' } });
    expect({ total: page2.total, names: page2.items.map((a) => a.name) }).toEqual({ total: 3, names: ['web1.vigil.test'] });
  });

  it('lists findings by asset, status and severity, with the asset name', async () => {
    const open = await listFindings({ scope: unitA, filter: { status: 'open' }, page: 1, pageSize: 50, sort: { by: 'severity', direction: 'desc' } });
    expect(open.items.map((f) => f.status)).toEqual(['reopened', 'reopened']);
    expect(open.items.map((f) => [f.assetName, f.package])).toEqual([
      ['web1.vigil.test', 'openssh-client'],
      ['web1.vigil.test', 'openssh-server'],
    ]);
    expect((await listFindings({ scope: unitA, filter: { status: 'fixed' }, page: 1, pageSize: 50, sort: { by: 'vulnId', direction: 'asc' } })).items.map((f) => f.ecosystem)).toEqual(['cpe']);
    expect((await listFindings({ scope: unitA, filter: { severity: 'critical' }, page: 1, pageSize: 50, sort: { by: 'severity', direction: 'desc' } })).total).toBe(0);
  });

  it('through tRPC, outputs validated and free of evidence', async () => {
    const caller = createServerCaller(testContext({ runtime, principal: testPrincipal({ role: 'remediation', businessUnitIds: [UNIT_A] }) }));
    const listed = await caller.assets.list({ query: 'web1' });
    expect(listed.items.map((a) => a.id)).toEqual([webId]);
    const detail = await caller.assets.get({ id: webId });
    expect(detail.findings).toHaveLength(2);
    const findings = await caller.findings.list({ assetId: webId });
    expect(findings.total).toBe(2);
    expect(JSON.stringify([listed, detail, findings])).not.toMatch(/Marker|sub_type|evidence/);
  });

  it('gives another unit NOT_FOUND for the asset and empty lists', async () => {
    await expect(getAsset({ scope: unitB, id: webId })).rejects.toMatchObject({ code: 'NOT_FOUND', message: `asset ${webId} not found` });
    await expect(getAsset({ scope: unitB, id: 'no-such-asset' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await listAssets({ scope: unitB, page: 1, pageSize: 50, sort: { by: 'name', direction: 'asc' } })).toMatchObject({ items: [], total: 0 });
    expect(await listFindings({ scope: unitB, filter: {}, page: 1, pageSize: 50, sort: { by: 'severity', direction: 'desc' } })).toMatchObject({ items: [], total: 0 });
    expect(await listFindings({ scope: unitB, filter: { assetId: webId }, page: 1, pageSize: 50, sort: { by: 'severity', direction: 'desc' } })).toMatchObject({ items: [], total: 0 });
  });
});

describe('a KB correction', () => {
  it('fixes the finding of a scanned asset without a rescan, and reopens it when the correction is undone', async () => {
    const host = await record(hostResult({ address: '127.0.0.77', hostname: 'kbfix.vigil.test', ssh: { hostKey: { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:kbfixKeyDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD' }, authenticated: true, inventory: bookworm('kbfix') } }));
    const statuses = async () => (await FindingModel.find({ assetId: host!.assetId, vulnId: 'CVE-2024-6387' }, { status: 1, fixedReason: 1 }).sort({ _id: 1 }).lean()).map((f) => `${f.status}${f.fixedReason ? ` ${f.fixedReason}` : ''}`);
    expect(await statuses()).toEqual(['new', 'new']);
    const original = await KbVulnerabilityModel.findById('CVE-2024-6387').lean();
    // Debian corrects its data: bookworm's openssh was never affected.
    const corrected = original!.affected.map((a) => (a.ecosystem === 'deb' && a.release === 'bookworm' ? { ...a, status: 'not-affected', fixedVersion: undefined } : a));
    // Written as the merge writes, inside a KB generation, so detection's KB cache sees the change.
    const correctKb = (affected: typeof corrected) => withKbGeneration((kbGeneration) => KbVulnerabilityModel.updateOne({ _id: 'CVE-2024-6387' }, { $set: { affected, kbGeneration } }));
    await correctKb(corrected);
    await reevaluateAfterKbChange(['CVE-2024-6387']);
    expect(await statuses()).toEqual(['fixed kb-correction', 'fixed kb-correction']);
    expect((await AssetModel.findById(host!.assetId, { openFindings: 1 }).lean())!.openFindings.total).toBe(0);
    await correctKb(original!.affected);
    await reevaluateAfterKbChange(['CVE-2024-6387']);
    expect(await statuses()).toEqual(['reopened', 'reopened']);
  });
});

describe('the raw database', () => {
  it('holds banners and the inventory output only encrypted', async () => {
    const dump = await rawDump(uri);
    expect(dumpContains(dump, BANNER_MARKER)).toBe(false);
    expect(dumpContains(dump, RAW_MARKER)).toBe(false);
    const web = dump.assets!.find((doc) => doc._id === webId) as { evidence: { services: { sub_type: number }; inventory: { sub_type: number } } };
    expect(web.evidence.services.sub_type).toBe(6);
    expect(web.evidence.inventory.sub_type).toBe(6);
    // Read through the runtime's connection, it decrypts: the evidence is there.
    const decrypted = await AssetModel.findById(webId, { evidence: 1 }).lean();
    expect(JSON.stringify(decrypted!.evidence)).toContain(RAW_MARKER);
  });
});
