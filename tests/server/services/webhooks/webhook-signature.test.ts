import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { retryDelayMs, WEBHOOK_MAX_ATTEMPTS } from '../../../../server/services/webhooks/delivery-schedule';
import { webhookSignature } from '../../../../server/services/webhooks/webhook-signature';

describe('webhook signature', () => {
  it('is sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>', () => {
    const signature = webhookSignature({ secret: 'whsec_test', timestamp: '1767225600', body: '{"event":"ticket.created"}' });
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signature).toBe(`sha256=${createHmac('sha256', 'whsec_test').update('1767225600.{"event":"ticket.created"}').digest('hex')}`);
  });

  it('changes with the timestamp, the body and the secret', () => {
    const base = { secret: 's', timestamp: '1', body: 'b' };
    const signature = webhookSignature(base);
    expect(webhookSignature({ ...base, timestamp: '2' })).not.toBe(signature);
    expect(webhookSignature({ ...base, body: 'c' })).not.toBe(signature);
    expect(webhookSignature({ ...base, secret: 't' })).not.toBe(signature);
  });
});

describe('webhook retry schedule', () => {
  it('doubles from 30 s after each failed attempt and gives up after the last', () => {
    const delays = Array.from({ length: WEBHOOK_MAX_ATTEMPTS }, (_, i) => retryDelayMs(i + 1));
    expect(WEBHOOK_MAX_ATTEMPTS).toBe(8);
    expect(delays).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, null]);
  });
});
