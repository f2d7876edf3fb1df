import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_SCOPE } from '../../../../server/auth/scope';
import { AssetModel } from '../../../../server/models/asset.model';
import { FindingModel, type FindingRecord } from '../../../../server/models/finding.model';
import type { Runtime } from '../../../../server/runtime/runtime';
import { expireFindingExceptions } from '../../../../server/services/findings/exceptions/end-finding-exception';
import { createScan } from '../../../../server/services/scans/create-scan';
import { createScanInput } from '../../../../server/services/scans/scan-input';
import { createServerCaller } from '../../../../server/trpc/root';
import { bannerServer } from '../../../helpers/banner-server';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { enrollTestNode, launchAndWait, startProtocolConsole, type ProtocolConsole, type TestNode } from '../../../helpers/scanner-lab';
import { dropDatabase, testDatabaseUri } from '../../../helpers/test-db';
import { testContext, testPrincipal } from '../../../helpers/trpc-context';
import { seedKb } from '../kb/kb-seed';

/**
 * The finding lifecycle on real scans: a real scanner node scans a loopback listener whose SSH banner names
 * OpenSSH 9.2p1 (CVE-2024-6387 in the seeded KB: NVD, fixed in 9.8). Seen → new; an unrelated scan (another port)
 * changes nothing; seen again → active; an approved risk acceptance takes it out of the open counts, and its expiry
 * (the scheduled job) reopens it; the banner turns 9.8p1 → fixed by the rescan; back to 9.2p1 → reopened.
 */
const { uri } = testDatabaseUri();
const UNIT = 'unit-lab';
const actor = { type: 'system' as const, id: 'test' };
const DAY_MS = 86_400_000;

let runtime: Runtime;
let consoleServer: ProtocolConsole;
let node: TestNode;
let bannerVersion = '9.2p1';
let sshLike: net.Server;
let unrelated: net.Server;

const listen = (server: net.Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

const theFinding = async () => (await FindingModel.findOne({ businessUnitId: UNIT, vulnId: 'CVE-2024-6387' }).lean<FindingRecord>())!;
const openCount = async (assetId: string) => (await AssetModel.findById(assetId, { openFindings: 1 }).lean())!.openFindings.total;
const callerAs = (role: 'analyst' | 'manager', userId: string) => createServerCaller(testContext({ runtime, principal: testPrincipal({ role, userId, businessUnitIds: [UNIT] }) }));

beforeAll(async () => {
  runtime = await openTestRuntime({ uri });
  await seedKb();
  sshLike = bannerServer(() => `SSH-2.0-OpenSSH_${bannerVersion}\r\n`);
  unrelated = bannerServer(() => '220 lab.example ESMTP Postfix\r\n');
  const [sshPort, otherPort] = await Promise.all([listen(sshLike), listen(unrelated)]);
  consoleServer = await startProtocolConsole({ runtime });
  node = await enrollTestNode({ console: consoleServer, name: 'lifecycle' });
  node.start();
  await createScan({ scope: SYSTEM_SCOPE, actor, input: createScanInput.parse({ name: 'ssh-port', targets: ['127.0.0.1'], ports: String(sshPort), businessUnitId: UNIT }) });
  await createScan({ scope: SYSTEM_SCOPE, actor, input: createScanInput.parse({ name: 'other-port', targets: ['127.0.0.1'], ports: String(otherPort), businessUnitId: UNIT }) });
}, 120_000);

afterAll(async () => {
  await node?.stop('SIGKILL');
  sshLike?.close();
  unrelated?.close();
  await consoleServer?.close();
  await closeRuntime();
  await dropDatabase(uri);
});

describe('the finding lifecycle on real loopback scans', () => {
  let first: FindingRecord;

  it('opens a new finding from the banner a real scan saw, with risk and an SLA due date', async () => {
    const runId = await launchAndWait({ scanName: 'ssh-port', node });
    first = await theFinding();
    expect(first).toMatchObject({ status: 'new', timesSeen: 1, ecosystem: 'cpe', package: 'openbsd:openssh', installedVersion: '9.2p1', confidence: 'potential', lastRunId: runId, fixedReason: null });
    expect(first.riskScore).toBeGreaterThan(0);
    // High severity: first seen + 30 days (the default policy).
    expect(first.slaDueAt!.getTime() - first.firstSeenAt.getTime()).toBe(30 * DAY_MS);
    expect(await openCount(first.assetId)).toBe(1);
    expect((await AssetModel.findById(first.assetId, { risk: 1 }).lean())!.risk).toEqual({ max: first.riskScore, total: first.riskScore });
  }, 90_000);

  it('leaves it alone when an unrelated scan (another port of the host) does not show it', async () => {
    await launchAndWait({ scanName: 'other-port', node });
    expect(await theFinding()).toMatchObject({ status: 'new', timesSeen: 1, fixedAt: null, lastSeenAt: first.lastSeenAt });
  }, 90_000);

  it('marks it active when a later scan sees it again', async () => {
    await launchAndWait({ scanName: 'ssh-port', node });
    const seen = await theFinding();
    expect(seen).toMatchObject({ status: 'active', timesSeen: 2, firstSeenAt: first.firstSeenAt });
    expect(seen.lastSeenAt.getTime()).toBeGreaterThan(first.lastSeenAt.getTime());
  }, 90_000);

  it('reopens it when the risk acceptance covering it expires (the scheduled job)', async () => {
    const expiresAt = new Date(Date.now() + DAY_MS);
    const requested = await callerAs('analyst', 'a00000000000000000000001').exceptions.request({ kind: 'risk-acceptance', findingIds: [first._id], justification: 'Lab host, isolated network segment', expiresAt: expiresAt.toISOString() });
    await callerAs('manager', 'b00000000000000000000002').exceptions.approve({ id: requested.id });
    expect(await theFinding()).toMatchObject({ status: 'active', exceptionState: 'risk-accepted', exceptionId: requested.id });
    expect(await openCount(first.assetId)).toBe(0);

    expect(await expireFindingExceptions({ now: new Date(expiresAt.getTime() - 1000) })).toEqual({ expired: 0 });
    expect(await expireFindingExceptions({ now: new Date(expiresAt.getTime() + 1000) })).toEqual({ expired: 1 });
    const reopened = await theFinding();
    expect(reopened).toMatchObject({ status: 'reopened', exceptionState: null, exceptionId: null, firstSeenAt: first.firstSeenAt });
    expect(reopened.reopenedAt).toBeInstanceOf(Date);
    expect(await openCount(first.assetId)).toBe(1);
    const [listed] = (await callerAs('analyst', 'a00000000000000000000001').exceptions.list({ status: 'expired' })).items;
    expect(listed).toMatchObject({ id: requested.id, status: 'expired', decidedBy: { id: 'b00000000000000000000002' } });
  }, 90_000);

  it('marks it fixed when a rescan of the same port no longer shows the vulnerable version', async () => {
    bannerVersion = '9.8p1';
    const runId = await launchAndWait({ scanName: 'ssh-port', node });
    const fixed = await theFinding();
    expect(fixed).toMatchObject({ status: 'fixed', fixedReason: 'not-seen-by-scan', lastRunId: runId, firstSeenAt: first.firstSeenAt });
    expect(fixed.fixedAt).toBeInstanceOf(Date);
    expect(await openCount(first.assetId)).toBe(0);
    expect((await AssetModel.findById(first.assetId, { risk: 1 }).lean())!.risk).toEqual({ max: 0, total: 0 });
  }, 90_000);

  it('marks it reopened when a rescan sees the vulnerable version again, first seen kept', async () => {
    bannerVersion = '9.2p1';
    await launchAndWait({ scanName: 'ssh-port', node });
    const back = await theFinding();
    expect(back).toMatchObject({ status: 'reopened', fixedAt: null, fixedReason: null, timesSeen: 3, firstSeenAt: first.firstSeenAt });
    expect(await FindingModel.countDocuments({ businessUnitId: UNIT })).toBe(1);
    expect(await openCount(first.assetId)).toBe(1);
  }, 90_000);
});
