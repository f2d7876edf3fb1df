import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessUnitModel } from '../../../../server/models/business-unit.model';
import { WebhookDeliveryModel } from '../../../../server/models/webhook-delivery.model';
import { WebhookModel } from '../../../../server/models/webhook.model';
import type { Runtime } from '../../../../server/runtime/runtime';
import { deliverDueWebhooks } from '../../../../server/services/webhooks/deliver-webhooks';
import { enqueueWebhookEvents } from '../../../../server/services/webhooks/enqueue-webhook-events';
import { createServerCaller } from '../../../../server/trpc/root';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { dropDatabase, testDatabaseUri } from '../../../helpers/test-db';
import { testContext, testPrincipal } from '../../../helpers/trpc-context';
import { eventually, startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

/**
 * The webhook target policy of a console without VIGIL_WEBHOOK_ALLOWED_TARGETS, on real FerretDB: a webhook to this
 * machine is refused at creation in every spelling (nothing stored, nothing audited), and a stored one — created
 * before the policy, or whose name resolves elsewhere since — fails at its first delivery attempt with the reason,
 * after DNS and before any connection: a live receiver on 127.0.0.1 gets no call.
 */
const { uri } = testDatabaseUri();
let runtime: Runtime;
let receiver: WebhookReceiver;
let port = '';

const admin = () => createServerCaller(testContext({ runtime, principal: testPrincipal({ role: 'admin', userId: 'd00000000000000000000000', businessUnitIds: ['root'] }) }));
const deliveriesOf = (webhookId: string) => WebhookDeliveryModel.find({ webhookId }).lean();

/** A webhook written as an older release (or a name that resolved elsewhere at creation) left it. */
async function storedWebhook(url: string): Promise<string> {
  const id = randomUUID();
  await WebhookModel.create({ _id: id, businessUnitId: 'root', name: `stored ${url}`, url, events: ['ticket.created'], secret: await runtime.encryption.encrypt('whsec_stored', { purpose: 'sensitive' }), createdBy: { id: 'system', email: null }, createdAt: new Date() });
  return id;
}

beforeAll(async () => {
  runtime = await openTestRuntime({ uri });
  await BusinessUnitModel.create({ _id: 'root', name: 'Organisation', parentId: null, ancestors: [] });
  receiver = await startWebhookReceiver();
  port = new URL(receiver.url).port;
});

afterAll(async () => {
  await receiver?.close();
  await closeRuntime();
  await dropDatabase(uri);
});

describe('webhook target policy', () => {
  it.each([
    ['the receiver on 127.0.0.1', () => receiver.url, /^refused as a webhook target: 127\.0\.0\.1 is a loopback address \(an administrator allows exceptions with VIGIL_WEBHOOK_ALLOWED_TARGETS\)$/],
    ['::1', () => `http://[::1]:${port}/hooks`, /^refused as a webhook target: \[::1\] is a loopback address/],
    ['a decimal IPv4 spelling', () => `http://2130706433:${port}/hooks`, /^refused as a webhook target: 127\.0\.0\.1 is a loopback address/],
    ['an IPv4-mapped IPv6 spelling', () => `https://[::ffff:7f00:1]:${port}/hooks`, /^refused as a webhook target: \[::ffff:7f00:1\] is a loopback address/],
    ['a name resolving to loopback', () => `http://localhost:${port}/hooks`, /^refused as a webhook target: localhost resolves to 127\.0\.0\.1, a loopback address/],
    ['the cloud metadata address', () => 'https://[fd00:ec2::254]/latest/meta-data/', /^refused as a webhook target: \[fd00:ec2::254\] is a cloud metadata address/],
  ])('refuses a webhook to %s at creation, storing nothing', async (_, url, message) => {
    await expect(admin().webhooks.create({ name: 'to this machine', url: url(), events: ['ticket.created'] })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(message) });
    expect(await WebhookModel.countDocuments({})).toBe(0);
    expect((await admin().audit.list({ action: 'webhook.create' })).items).toHaveLength(0);
  });

  it('fails a stored webhook’s delivery at once when its name resolves to a refused address, without connecting', async () => {
    const byName = await storedWebhook(`http://localhost:${port}/hooks/vigil`);
    const byAddress = await storedWebhook(receiver.url);
    await enqueueWebhookEvents([{ event: 'ticket.created', businessUnitId: 'root', key: 'rebound', data: { ticket: { id: 'ticket-1' } }, at: new Date() }]);
    const failed = (webhookId: string) => eventually(async () => (await deliveriesOf(webhookId)).find((delivery) => delivery.status === 'failed'));
    expect(await failed(byName)).toMatchObject({ attempts: 1, nextAttemptAt: null, lastStatusCode: null, lastError: 'refused as a webhook target: localhost resolves to 127.0.0.1, a loopback address' });
    expect(await failed(byAddress)).toMatchObject({ attempts: 1, nextAttemptAt: null, lastError: 'refused as a webhook target: 127.0.0.1 is a loopback address' });
    // Not retried: the job finds nothing due, and the receiver was never reached.
    expect(await deliverDueWebhooks({ now: new Date(Date.now() + 3_600_000) })).toMatchObject({ pending: 0, delivered: 0, failed: 0 });
    expect(receiver.calls).toEqual([]);
    expect((await admin().webhooks.deliveries({ id: byName }))[0]).toMatchObject({ status: 'failed', lastError: expect.stringContaining('loopback') });
  });
});
