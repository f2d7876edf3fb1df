/** Attempts of one delivery before it is given up as `failed`. */
export const WEBHOOK_MAX_ATTEMPTS = 8;
const FIRST_RETRY_MS = 30_000;
const LONGEST_WAIT_MS = 6 * 3_600_000;

/**
 * Exponential back-off: after failed attempt n (1-based) the next waits 30 s × 2^(n−1), at most 6 h — 30 s, 1, 2,
 * 4, 8, 16, 32 min. Null once the attempts are used up.
 */
export function retryDelayMs(failedAttempts: number): number | null {
  if (failedAttempts >= WEBHOOK_MAX_ATTEMPTS) return null;
  return Math.min(FIRST_RETRY_MS * 2 ** (failedAttempts - 1), LONGEST_WAIT_MS);
}
