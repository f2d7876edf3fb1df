import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../../server/auth/permissions';
import { BusinessUnitModel } from '../../../../server/models/business-unit.model';
import { FindingModel } from '../../../../server/models/finding.model';
import { WebhookDeliveryModel } from '../../../../server/models/webhook-delivery.model';
import type { Runtime } from '../../../../server/runtime/runtime';
import { recordHostResult } from '../../../../server/services/assets/record-host-result';
import { expireFindingExceptions } from '../../../../server/services/findings/exceptions/end-finding-exception';
import { deliverDueWebhooks } from '../../../../server/services/webhooks/deliver-webhooks';
import { enqueueWebhookEvents } from '../../../../server/services/webhooks/enqueue-webhook-events';
import { createServerCaller } from '../../../../server/trpc/root';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { dropDatabase, dumpContains, rawDump, testDatabaseUri } from '../../../helpers/test-db';
import { testContext, testPrincipal } from '../../../helpers/trpc-context';
import { seedKb } from '../kb/kb-seed';
import { labHostResult } from '../tickets/lab-host-result';
import { eventually, startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

/**
 * Webhooks on real FerretDB: the secret shown once, never in any answer and only encrypted in the database;
 * deliveries to a receiver on 127.0.0.1 that checks their HMAC; a 500 answer retried with back-off and then
 * delivered; a receiver that never answers given up after the last attempt; scoping by business unit. The
 * receivers are on loopback, which the target policy refuses unless allowed: this console allows 127.0.0.1/32.
 */
const { uri } = testDatabaseUri();
let runtime: Runtime;
let receiver: WebhookReceiver;
let findingsA: string[] = [];
let webhookId = '';
let secret = '';

const callerAs = (role: Role, userId: string, businessUnitIds: string[]) => createServerCaller(testContext({ runtime, principal: testPrincipal({ role, userId, businessUnitIds }) }));
// A root admin's scope, expanded to the units below it as the console resolves it.
const adminRoot = () => callerAs('admin', 'd00000000000000000000000', ['root', 'unit-a', 'unit-b']);
const adminB = () => callerAs('admin', 'd0000000000000000000000b', ['unit-b']);
const remediationA = () => callerAs('remediation', 'e0000000000000000000000a', ['unit-a']);

const deliveriesOf = (id: string) => WebhookDeliveryModel.find({ webhookId: id }).sort({ createdAt: 1 }).lean();

beforeAll(async () => {
  runtime = await openTestRuntime({ uri, env: { VIGIL_WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32' } });
  await seedKb();
  await BusinessUnitModel.create([
    { _id: 'root', name: 'Organisation', parentId: null, ancestors: [] },
    { _id: 'unit-a', name: 'Unit A', parentId: 'root', ancestors: ['root'] },
    { _id: 'unit-b', name: 'Unit B', parentId: 'root', ancestors: ['root'] },
  ]);
  receiver = await startWebhookReceiver();
  const assetA = (await recordHostResult({ encryption: runtime.encryption, businessUnitId: 'unit-a', runId: 'run-a', result: labHostResult({ address: '127.0.0.51', fingerprint: 'SHA256:webhookAKeyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', vulnerable: true }) }))!.assetId;
  findingsA = (await FindingModel.find({ assetId: assetA }, { _id: 1 }).lean()).map((f) => f._id);
});

afterAll(async () => {
  await receiver?.close();
  await closeRuntime();
  await dropDatabase(uri);
});

describe('webhooks', () => {
  it('shows the signing secret once; no list or delivery answer and no raw database read contains it', async () => {
    expect(findingsA.length).toBeGreaterThan(0);
    const created = await adminRoot().webhooks.create({ name: 'ticketing', url: receiver.url, events: ['ticket.created', 'ticket.updated'], businessUnitId: 'unit-a' });
    ({ secret } = created);
    webhookId = created.webhook.id;
    receiver.secret = secret;
    expect(secret).toMatch(/^whsec_[\w-]{43}$/);
    expect(created.webhook).toMatchObject({ businessUnitId: 'unit-a', url: receiver.url, events: ['ticket.created', 'ticket.updated'] });
    expect(JSON.stringify(created.webhook)).not.toContain(secret);

    const listed = await adminRoot().webhooks.list();
    expect(listed).toHaveLength(1);
    expect(listed[0]).not.toHaveProperty('secret');
    expect(JSON.stringify(listed)).not.toContain(secret);
    const dump = await rawDump(uri);
    expect(dumpContains(dump, secret)).toBe(false);
    expect(dumpContains(dump, secret.slice(6, 30))).toBe(false);
    const stored = dump.webhooks![0]!.secret as { sub_type?: number };
    expect(stored.sub_type).toBe(6);
  });

  it('signs each delivery with HMAC-SHA256 over timestamp and body, which the receiver verifies', async () => {
    const ticket = await remediationA().tickets.create({ title: 'Patch OpenSSH on the lab host', findingIds: findingsA });
    const call = await eventually(() => receiver.calls.find((c) => c.event === 'ticket.created'));
    expect(call.signatureValid).toBe(true);
    expect(call.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(Math.abs(Number(call.timestamp) - Date.now() / 1000)).toBeLessThan(60);
    const body = JSON.parse(call.body) as { event: string; businessUnitId: string; data: { ticket: { id: string; status: string } } };
    expect(body).toMatchObject({ event: 'ticket.created', businessUnitId: 'unit-a', data: { ticket: { id: ticket.id, status: 'open' } } });
    await eventually(async () => (await deliveriesOf(webhookId))[0]?.status === 'delivered');
    const deliveries = await adminRoot().webhooks.deliveries({ id: webhookId });
    expect(deliveries[0]).toMatchObject({ event: 'ticket.created', status: 'delivered', attempts: 1, lastStatusCode: 200, lastError: null });
    expect(JSON.stringify(deliveries)).not.toContain(secret);
  });

  it('retries a delivery the receiver refused (500) with back-off, then delivers it (200)', async () => {
    receiver.answers.push(500);
    const [ticket] = (await remediationA().tickets.list({})).items;
    const before = receiver.calls.length;
    await remediationA().tickets.comment({ id: ticket!.id, text: 'Maintenance window on Thursday' });
    const failed = await eventually(async () => (await deliveriesOf(webhookId)).find((d) => d.event === 'ticket.updated' && d.attempts === 1));
    expect(failed).toMatchObject({ status: 'pending', lastStatusCode: 500, lastError: 'HTTP 500: receiver down for maintenance' });
    expect(failed.nextAttemptAt!.getTime() - failed.lastAttemptAt!.getTime()).toBe(30_000);

    // The job does not retry before the back-off has passed…
    expect(await deliverDueWebhooks({ now: new Date(failed.lastAttemptAt!.getTime() + 29_000) })).toMatchObject({ delivered: 0, pending: 0 });
    // …and delivers it after.
    expect(await deliverDueWebhooks({ now: new Date(failed.lastAttemptAt!.getTime() + 31_000) })).toMatchObject({ delivered: 1 });
    const delivered = (await deliveriesOf(webhookId)).find((d) => d._id === failed._id)!;
    expect(delivered).toMatchObject({ status: 'delivered', attempts: 2, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
    const calls = receiver.calls.slice(before);
    expect(calls.map((c) => c.event)).toEqual(['ticket.updated', 'ticket.updated']);
    expect(calls.every((c) => c.signatureValid && c.body === failed.body)).toBe(true);
  });

  it('gives a delivery up as failed after the last attempt when nothing answers', async () => {
    const closed = await startWebhookReceiver();
    await closed.close();
    const dead = await adminRoot().webhooks.create({ name: 'gone', url: closed.url, events: ['ticket.updated'], businessUnitId: 'root' });
    const [ticket] = (await remediationA().tickets.list({})).items;
    await remediationA().tickets.update({ id: ticket!.id, status: 'in-progress' });
    let delivery = await eventually(async () => (await deliveriesOf(dead.webhook.id)).find((d) => d.attempts === 1));
    expect(delivery.lastError).toBe('ECONNREFUSED');
    while (delivery.status === 'pending') {
      await deliverDueWebhooks({ now: delivery.nextAttemptAt! });
      delivery = (await deliveriesOf(dead.webhook.id))[0]!;
    }
    expect(delivery).toMatchObject({ status: 'failed', attempts: 8, nextAttemptAt: null });
  });

  it('keeps webhooks to their business units and needs settings:manage', async () => {
    expect(await adminB().webhooks.list()).toEqual([]);
    await expect(adminB().webhooks.deliveries({ id: webhookId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(adminB().webhooks.delete({ id: webhookId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(adminB().webhooks.create({ name: 'sneaky', url: receiver.url, events: ['finding.new'], businessUnitId: 'unit-a' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(remediationA().webhooks.create({ name: 'mine', url: receiver.url, events: ['finding.new'] })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(adminRoot().webhooks.create({ name: 'plain', url: 'http://hooks.example.org/x', events: ['finding.new'] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('deletes a webhook, audited; its pending deliveries fail', async () => {
    await adminRoot().webhooks.delete({ id: webhookId });
    expect((await adminRoot().webhooks.list()).map((w) => w.id)).not.toContain(webhookId);
    expect(await WebhookDeliveryModel.countDocuments({ webhookId, status: 'pending' })).toBe(0);
    const entries = await adminRoot().audit.list({ action: 'webhook.delete' });
    expect(entries.items).toHaveLength(1);
    expect(JSON.stringify(await adminRoot().audit.list({}))).not.toContain(secret);
  });

  it('tells of the findings an expired exception sends back to work (finding.reopened)', async () => {
    const reopenedReceiver = await startWebhookReceiver();
    try {
      const created = await adminRoot().webhooks.create({ name: 'reopened findings', url: reopenedReceiver.url, events: ['finding.reopened'], businessUnitId: 'unit-a' });
      reopenedReceiver.secret = created.secret;
      const expiresAt = new Date(Date.now() + 7 * 24 * 3600_000);
      const requested = await callerAs('analyst', 'a0000000000000000000000a', ['unit-a']).exceptions.request({ kind: 'risk-acceptance', findingIds: findingsA, justification: 'Compensating control: port 22 firewalled', expiresAt: expiresAt.toISOString() });
      await callerAs('manager', 'b0000000000000000000000a', ['unit-a']).exceptions.approve({ id: requested.id });
      expect(await expireFindingExceptions({ now: new Date(expiresAt.getTime() + 1000) })).toEqual({ expired: 1 });
      // The jobs run a week ahead here: the delivery job of that moment sends what the expiry queued.
      await deliverDueWebhooks({ now: new Date(expiresAt.getTime() + 1500) });
      const call = await eventually(() => reopenedReceiver.calls.find((c) => c.event === 'finding.reopened'));
      expect(call.signatureValid).toBe(true);
      const body = JSON.parse(call.body) as { businessUnitId: string; data: { exceptionId: string; reason: string; findingIds: string[] } };
      expect(body).toMatchObject({ businessUnitId: 'unit-a', data: { exceptionId: requested.id, reason: 'exception-expired' } });
      expect(body.data.findingIds.sort()).toEqual([...findingsA].sort());
      // The job running again expires nothing more and sends nothing twice.
      expect(await expireFindingExceptions({ now: new Date(expiresAt.getTime() + 2000) })).toEqual({ expired: 0 });
      expect(reopenedReceiver.calls.filter((c) => c.event === 'finding.reopened')).toHaveLength(1);
    } finally {
      await reopenedReceiver.close();
    }
  });

  it('delivers to a host name through the checked, pinned address; allows no more of loopback than the entry names', async () => {
    const named = await startWebhookReceiver();
    try {
      const url = named.url.replace('127.0.0.1', 'localhost');
      const created = await adminRoot().webhooks.create({ name: 'by name', url, events: ['ticket.updated'], businessUnitId: 'unit-a' });
      named.secret = created.secret;
      await enqueueWebhookEvents([{ event: 'ticket.updated', businessUnitId: 'unit-a', key: 'by-name', data: { ticket: { id: 'ticket-by-name' } }, at: new Date() }]);
      const call = await eventually(() => named.calls.find((c) => c.event === 'ticket.updated'));
      expect(call.signatureValid).toBe(true);
      await eventually(async () => (await deliveriesOf(created.webhook.id))[0]?.status === 'delivered');
      const port = new URL(named.url).port;
      await expect(adminRoot().webhooks.create({ name: 'other loopback', url: `http://[::1]:${port}/hooks`, events: ['ticket.updated'] })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/^refused as a webhook target: \[::1\] is a loopback address/) });
      await expect(adminRoot().webhooks.create({ name: 'other loopback', url: `http://127.0.0.2:${port}/hooks`, events: ['ticket.updated'] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    } finally {
      await named.close();
    }
  });
});
