import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_SCOPE } from '../../../../server/auth/scope';
import { BusinessUnitModel } from '../../../../server/models/business-unit.model';
import { FindingModel, type FindingRecord } from '../../../../server/models/finding.model';
import type { Runtime } from '../../../../server/runtime/runtime';
import { createScan } from '../../../../server/services/scans/create-scan';
import { createScanInput } from '../../../../server/services/scans/scan-input';
import { createServerCaller } from '../../../../server/trpc/root';
import { bannerServer } from '../../../helpers/banner-server';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { enrollTestNode, launchAndWait, startProtocolConsole, type ProtocolConsole, type TestNode } from '../../../helpers/scanner-lab';
import { dropDatabase, testDatabaseUri } from '../../../helpers/test-db';
import { testContext, testPrincipal } from '../../../helpers/trpc-context';
import { seedKb } from '../kb/kb-seed';
import { eventually, startWebhookReceiver, type WebhookReceiver } from '../webhooks/webhook-receiver';

/**
 * The must-show: a ticket resolves itself when its findings are fixed, on real scans. A real scanner node scans a
 * loopback listener whose SSH banner names OpenSSH 9.2p1 (CVE-2024-6387 in the seeded KB); a ticket is opened over
 * the finding; the banner turns 9.8p1 and the next real scan resolves the ticket; back to 9.2p1 and it reopens
 * with the finding that remains. A webhook receiver on 127.0.0.1 gets each event, signed.
 */
const { uri } = testDatabaseUri();
const UNIT = 'unit-lab';
const actor = { type: 'system' as const, id: 'test' };

let runtime: Runtime;
let consoleServer: ProtocolConsole;
let node: TestNode;
let receiver: WebhookReceiver;
let bannerVersion = '9.2p1';
let sshLike: net.Server;

const remediation = () => createServerCaller(testContext({ runtime, principal: testPrincipal({ role: 'remediation', userId: 'e000000000000000000000aa', businessUnitIds: [UNIT] }) }));
const admin = () => createServerCaller(testContext({ runtime, principal: testPrincipal({ role: 'admin', userId: 'd000000000000000000000aa', businessUnitIds: ['root', UNIT] }) }));
const theFinding = async () => (await FindingModel.findOne({ businessUnitId: UNIT, vulnId: 'CVE-2024-6387' }).lean<FindingRecord>())!;
const eventsReceived = () => receiver.calls.map((call) => ({ event: call.event, valid: call.signatureValid, body: JSON.parse(call.body) as { data: { ticket?: { id: string; status: string }; findingIds?: string[] } } }));

beforeAll(async () => {
  // The receiver is on loopback, which webhooks may reach only when the configuration allows it.
  runtime = await openTestRuntime({ uri, env: { VIGIL_WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32' } });
  await seedKb();
  await BusinessUnitModel.create({ _id: 'root', name: 'Organisation', parentId: null, ancestors: [] });
  receiver = await startWebhookReceiver();
  sshLike = bannerServer(() => `SSH-2.0-OpenSSH_${bannerVersion}\r\n`);
  const sshPort = await new Promise<number>((resolve) => sshLike.listen(0, '127.0.0.1', () => resolve((sshLike.address() as AddressInfo).port)));
  consoleServer = await startProtocolConsole({ runtime });
  node = await enrollTestNode({ console: consoleServer, name: 'tickets' });
  node.start();
  await createScan({ scope: SYSTEM_SCOPE, actor, input: createScanInput.parse({ name: 'ssh-port', targets: ['127.0.0.1'], ports: String(sshPort), businessUnitId: UNIT }) });
}, 120_000);

afterAll(async () => {
  await node?.stop('SIGKILL');
  sshLike?.close();
  await receiver?.close();
  await consoleServer?.close();
  await closeRuntime();
  await dropDatabase(uri);
});

describe('remediation tickets verified by real loopback scans', () => {
  let findingId = '';
  let ticketId = '';

  it('opens a ticket over the finding a real scan found', async () => {
    const created = await admin().webhooks.create({ name: 'lab receiver', url: receiver.url, events: ['ticket.created', 'ticket.resolved', 'ticket.reopened', 'finding.fixed', 'finding.reopened'], businessUnitId: 'root' });
    receiver.secret = created.secret;
    await launchAndWait({ scanName: 'ssh-port', node });
    findingId = (await theFinding())._id;
    expect(await theFinding()).toMatchObject({ status: 'new', package: 'openbsd:openssh', installedVersion: '9.2p1' });
    const ticket = await remediation().tickets.create({ title: 'Upgrade OpenSSH on the lab host', findingIds: [findingId] });
    ticketId = ticket.id;
    expect(ticket).toMatchObject({ status: 'open', findingIds: [findingId], verification: null });
    await eventually(() => receiver.calls.some((call) => call.event === 'ticket.created'));
  }, 90_000);

  it('resolves the ticket by itself when the next real scan no longer shows the finding', async () => {
    bannerVersion = '9.8p1';
    const runId = await launchAndWait({ scanName: 'ssh-port', node });
    expect(await theFinding()).toMatchObject({ status: 'fixed', lastRunId: runId });
    const ticket = await remediation().tickets.get({ id: ticketId });
    expect(ticket).toMatchObject({ status: 'resolved', verification: { runId, remaining: [] } });
    await eventually(() => receiver.calls.some((call) => call.event === 'ticket.resolved'));
    const events = eventsReceived();
    expect(events.find((e) => e.event === 'finding.fixed')).toMatchObject({ valid: true, body: { data: { findingIds: [findingId] } } });
    expect(events.find((e) => e.event === 'ticket.resolved')).toMatchObject({ valid: true, body: { data: { ticket: { id: ticketId, status: 'resolved' } } } });
  }, 90_000);

  it('reopens it with what remains when a real scan shows the finding again', async () => {
    bannerVersion = '9.2p1';
    const runId = await launchAndWait({ scanName: 'ssh-port', node });
    expect(await theFinding()).toMatchObject({ status: 'reopened' });
    expect(await remediation().tickets.get({ id: ticketId })).toMatchObject({ status: 'reopened', verification: { runId, remaining: [findingId] } });
    await eventually(() => receiver.calls.some((call) => call.event === 'ticket.reopened'));
    const events = eventsReceived();
    expect(events.find((e) => e.event === 'ticket.reopened')).toMatchObject({ valid: true, body: { data: { ticket: { id: ticketId, status: 'reopened', verification: { remaining: [findingId] } } } } });
    expect(events.find((e) => e.event === 'finding.reopened')).toMatchObject({ valid: true, body: { data: { findingIds: [findingId] } } });
    expect(events.every((e) => e.valid)).toBe(true);
  }, 90_000);
});
