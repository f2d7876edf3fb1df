import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { webhookSignature } from '../../../../server/services/webhooks/webhook-signature';

export interface ReceivedCall {
  event: string;
  body: string;
  timestamp: string;
  signature: string;
  /** The signature recomputed with the secret the test was given. */
  signatureValid: boolean;
}

export interface WebhookReceiver {
  url: string;
  calls: ReceivedCall[];
  /** Status codes to answer with, in order; then 200. */
  answers: number[];
  secret: string;
  close(): Promise<void>;
}

/** A local receiver on 127.0.0.1 that records every call and checks its HMAC signature. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const receiver: Omit<WebhookReceiver, 'url' | 'close'> = { calls: [], answers: [], secret: '' };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const timestamp = String(request.headers['x-vigil-timestamp'] ?? '');
      const signature = String(request.headers['x-vigil-signature'] ?? '');
      receiver.calls.push({ event: String(request.headers['x-vigil-event'] ?? ''), body, timestamp, signature, signatureValid: signature === webhookSignature({ secret: receiver.secret, timestamp, body }) });
      response.statusCode = receiver.answers.shift() ?? 200;
      response.end(response.statusCode === 200 ? 'ok' : 'receiver down for maintenance');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/vigil`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** Waits until `check` holds (deliveries are attempted in the background). */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
