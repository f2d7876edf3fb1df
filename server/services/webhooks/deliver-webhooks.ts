import { forEachWrite } from '../../db/write-limits';
import { WebhookDeliveryModel, type WebhookDelivery, type WebhookDeliveryStatus } from '../../models/webhook-delivery.model';
import { WebhookModel } from '../../models/webhook.model';
import { claimOnce } from '../auth/auth-claim';
import { retryDelayMs } from './delivery-schedule';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, webhookSignature } from './webhook-signature';

/** A receiver gets this long to answer (headers and the start of its body together). */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** Of an answer, only this much is read (and kept in `lastError`); the rest is never downloaded. */
const KEPT_ANSWER_BYTES = 512;
/** Longer than one attempt can take: a claim outliving it belongs to a node that died mid-attempt. */
const ATTEMPT_CLAIM_MS = 3 * DELIVERY_TIMEOUT_MS;
const DUE_BATCH = 200;
const KEPT_DAYS = 30;
const DAY_MS = 86_400_000;

interface Outcome {
  delivered: boolean;
  statusCode: number | null;
  error: string | null;
}

async function startOf(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < KEPT_ANSWER_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, KEPT_ANSWER_BYTES).toString('utf8');
}

function reasonOf(error: unknown): string {
  if ((error as Error).name === 'TimeoutError') return `no answer within ${DELIVERY_TIMEOUT_MS / 1000} s`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return (cause?.code ?? cause?.message ?? (error as Error).message).slice(0, KEPT_ANSWER_BYTES);
}

async function post(options: { url: string; secret: string; delivery: WebhookDelivery; now: Date }): Promise<Outcome> {
  const { delivery } = options;
  const timestamp = String(Math.floor(options.now.getTime() / 1000));
  try {
    const response = await fetch(options.url, {
      method: 'POST',
      // A redirect would send the signed body somewhere the administrator did not name.
      redirect: 'manual',
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Vigil-Webhooks/1',
        'x-vigil-event': delivery.event,
        'x-vigil-delivery': delivery._id,
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: webhookSignature({ secret: options.secret, timestamp, body: delivery.body }),
      },
      body: delivery.body,
    });
    const answer = await startOf(response);
    if (response.status >= 200 && response.status < 300) return { delivered: true, statusCode: response.status, error: null };
    return { delivered: false, statusCode: response.status, error: `HTTP ${response.status}${answer ? `: ${answer}` : ''}` };
  } catch (error) {
    return { delivered: false, statusCode: null, error: reasonOf(error) };
  }
}

/**
 * Makes the next attempt of one pending delivery, if it is due and no other node is making it (a unique claim per
 * attempt: the prompt attempt and the job, or two console nodes, never send one attempt twice). A 2xx answer
 * delivers it; anything else schedules the next attempt with back-off, or fails it after the last.
 */
export async function attemptWebhookDelivery(delivery: Pick<WebhookDelivery, '_id' | 'attempts'>, now: Date = new Date()): Promise<WebhookDeliveryStatus | 'skipped'> {
  const attempt = delivery.attempts + 1;
  const claim = await claimOnce(`webhook-delivery|${delivery._id}|${attempt}`, ATTEMPT_CLAIM_MS, now);
  if (!claim) return 'skipped';
  // Read again under the claim: a reader that saw an older state must not repeat an attempt already recorded.
  const current = await WebhookDeliveryModel.findOne({ _id: delivery._id, status: 'pending', attempts: delivery.attempts, nextAttemptAt: { $lte: now } }).lean<WebhookDelivery>();
  if (!current) return 'skipped';
  const webhook = await WebhookModel.findById(current.webhookId, { url: 1, secret: 1 }).lean();
  const outcome: Outcome = webhook ? await post({ url: webhook.url, secret: webhook.secret as string, delivery: current, now }) : { delivered: false, statusCode: null, error: 'the webhook was deleted' };
  const delay = webhook ? retryDelayMs(attempt) : null;
  const status: WebhookDeliveryStatus = outcome.delivered ? 'delivered' : delay === null ? 'failed' : 'pending';
  await WebhookDeliveryModel.updateOne(
    { _id: current._id, attempts: current.attempts },
    { $set: { status, attempts: attempt, lastAttemptAt: now, lastStatusCode: outcome.statusCode, lastError: outcome.error, nextAttemptAt: status === 'pending' ? new Date(now.getTime() + delay!) : null } },
  );
  return status;
}

/** Attempts each delivery a few at a time; the caller does not wait for receivers (the job retries what fails). */
export function attemptPromptly(deliveries: Pick<WebhookDelivery, '_id' | 'attempts'>[]): void {
  void forEachWrite(deliveries, (delivery) => attemptWebhookDelivery(delivery)).catch(() => undefined);
}

/**
 * The `webhook-deliveries` job (every minute, one node per cluster): attempts the due deliveries, oldest due first,
 * and removes finished ones older than 30 days (no TTL indexes in the FerretDB subset).
 */
export async function deliverDueWebhooks(options: { now?: Date } = {}): Promise<Record<WebhookDeliveryStatus | 'skipped', number> & { removed: number }> {
  const now = options.now ?? new Date();
  const due = await WebhookDeliveryModel.find({ status: 'pending', nextAttemptAt: { $lte: now } }, { _id: 1, attempts: 1 }).sort({ nextAttemptAt: 1 }).limit(DUE_BATCH).lean();
  const counts = { pending: 0, delivered: 0, failed: 0, skipped: 0 };
  await forEachWrite(due, async (delivery) => {
    counts[await attemptWebhookDelivery(delivery, now)] += 1;
  });
  const removed = await WebhookDeliveryModel.deleteMany({ status: { $ne: 'pending' }, createdAt: { $lt: new Date(now.getTime() - KEPT_DAYS * DAY_MS) } });
  return { ...counts, removed: removed.deletedCount };
}
