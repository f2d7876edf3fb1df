import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Vigil-Signature';
export const TIMESTAMP_HEADER = 'X-Vigil-Timestamp';

/**
 * `sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`. The timestamp (Unix seconds) is signed with the body
 * so a receiver can refuse a replayed old delivery.
 */
export function webhookSignature(options: { secret: string; timestamp: string; body: string }): string {
  return `sha256=${createHmac('sha256', options.secret).update(`${options.timestamp}.${options.body}`).digest('hex')}`;
}
