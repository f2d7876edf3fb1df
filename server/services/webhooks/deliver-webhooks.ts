import http from 'node:http';
import https from 'node:https';
import { deleteAllMatching, forEachWrite } from '../../db/write-limits';
import { WebhookDeliveryModel, type WebhookDelivery, type WebhookDeliveryStatus } from '../../models/webhook-delivery.model';
import { WebhookModel } from '../../models/webhook.model';
import { currentRuntime } from '../../runtime/runtime';
import { claimOnce } from '../auth/auth-claim';
import { retryDelayMs } from './delivery-schedule';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, webhookSignature } from './webhook-signature';
import { WEBHOOK_TARGET_REFUSED, webhookUrlRefusal, type WebhookTargetRule } from './webhook-target-policy';
import { WebhookTargetRefusedError, checkedLookup } from './webhook-target-resolution';

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
  /** The target policy refused the receiver: no retry can succeed while the configuration stays as it is. */
  refused: boolean;
  statusCode: number | null;
  error: string | null;
}

function reasonOf(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return `no answer within ${DELIVERY_TIMEOUT_MS / 1000} s`;
  // Several addresses tried in turn fail together (an AggregateError with the first one's code).
  const failure = error as { code?: string; message?: string; errors?: { code?: string }[] };
  return (failure.code ?? failure.errors?.[0]?.code ?? failure.message ?? String(error)).slice(0, KEPT_ANSWER_BYTES);
}

/**
 * One POST, connected only to an address the target policy accepts (checked after DNS, then pinned); the answer's
 * status and its first bytes. Redirects are not followed: they would send the signed body somewhere the
 * administrator did not name.
 */
function send(options: { url: URL; headers: Record<string, string>; body: string; rules: readonly WebhookTargetRule[]; signal: AbortSignal }): Promise<{ status: number; answer: string }> {
  return new Promise((resolve, reject) => {
    const transport = options.url.protocol === 'https:' ? https : http;
    const request = transport.request(options.url, { method: 'POST', headers: options.headers, signal: options.signal, lookup: checkedLookup(options.rules), agent: false }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = () => {
        resolve({ status: response.statusCode ?? 0, answer: Buffer.concat(chunks).subarray(0, KEPT_ANSWER_BYTES).toString('utf8') });
        response.destroy();
      };
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= KEPT_ANSWER_BYTES) finish();
      });
      response.on('end', finish);
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

async function post(options: { url: string; secret: string; delivery: WebhookDelivery; now: Date; rules: readonly WebhookTargetRule[] }): Promise<Outcome> {
  const { delivery } = options;
  // Checked again at every attempt: the configuration may have changed since the webhook was created.
  const refusal = webhookUrlRefusal(options.url, options.rules);
  if (refusal) return { delivered: false, refused: true, statusCode: null, error: `${WEBHOOK_TARGET_REFUSED}${refusal}` };
  const timestamp = String(Math.floor(options.now.getTime() / 1000));
  const signal = AbortSignal.timeout(DELIVERY_TIMEOUT_MS);
  try {
    const { status, answer } = await send({
      url: new URL(options.url),
      rules: options.rules,
      signal,
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(delivery.body)),
        'user-agent': 'Vigil-Webhooks/1',
        'x-vigil-event': delivery.event,
        'x-vigil-delivery': delivery._id,
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: webhookSignature({ secret: options.secret, timestamp, body: delivery.body }),
      },
      body: delivery.body,
    });
    if (status >= 200 && status < 300) return { delivered: true, refused: false, statusCode: status, error: null };
    return { delivered: false, refused: false, statusCode: status, error: `HTTP ${status}${answer ? `: ${answer}` : ''}` };
  } catch (error) {
    if (error instanceof WebhookTargetRefusedError) return { delivered: false, refused: true, statusCode: null, error: `${WEBHOOK_TARGET_REFUSED}${error.message}` };
    return { delivered: false, refused: false, statusCode: null, error: reasonOf(error, signal) };
  }
}

/**
 * Makes the next attempt of one pending delivery, if it is due and no other node is making it (a unique claim per
 * attempt: the prompt attempt and the job, or two console nodes, never send one attempt twice). A 2xx answer
 * delivers it; a receiver the target policy refuses fails it at once; anything else schedules the next attempt
 * with back-off, or fails it after the last.
 */
export async function attemptWebhookDelivery(delivery: Pick<WebhookDelivery, '_id' | 'attempts'>, now: Date = new Date()): Promise<WebhookDeliveryStatus | 'skipped'> {
  const attempt = delivery.attempts + 1;
  const claim = await claimOnce(`webhook-delivery|${delivery._id}|${attempt}`, ATTEMPT_CLAIM_MS, now);
  if (!claim) return 'skipped';
  // Read again under the claim: a reader that saw an older state must not repeat an attempt already recorded.
  const current = await WebhookDeliveryModel.findOne({ _id: delivery._id, status: 'pending', attempts: delivery.attempts, nextAttemptAt: { $lte: now } }).lean<WebhookDelivery>();
  if (!current) return 'skipped';
  const webhook = await WebhookModel.findById(current.webhookId, { url: 1, secret: 1 }).lean();
  const rules = (await currentRuntime())?.config.webhookAllowedTargets ?? [];
  const outcome: Outcome = webhook ? await post({ url: webhook.url, secret: webhook.secret as string, delivery: current, now, rules }) : { delivered: false, refused: false, statusCode: null, error: 'the webhook was deleted' };
  const delay = webhook && !outcome.refused ? retryDelayMs(attempt) : null;
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
  const removed = await deleteAllMatching(WebhookDeliveryModel, { status: { $ne: 'pending' }, createdAt: { $lt: new Date(now.getTime() - KEPT_DAYS * DAY_MS) } });
  return { ...counts, removed };
}
