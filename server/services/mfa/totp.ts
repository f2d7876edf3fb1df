import { generateSecret, generateURI, verify } from 'otplib';

/** RFC 6238 as every authenticator app does it: SHA-1, 6 digits, 30-second steps. */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_ISSUER = 'Vigil';
const TOTP_CODE = /^\d{6}$/;

/** 160 random bits, Base32 (what authenticator apps expect). */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The `otpauth://totp/…` URI an authenticator app reads from the QR code. */
export function totpUri(options: { label: string; secret: string }): string {
  return generateURI({ issuer: TOTP_ISSUER, label: options.label, secret: options.secret, period: TOTP_PERIOD_SECONDS });
}

/** The secret in groups of four, for typing it into an app that cannot scan. */
export function manualEntryKey(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

export function totpStepAt(now: Date): number {
  return Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/**
 * `replayed`: the code is right but its time step is not later than the last one accepted, so
 * somebody already used it (or a later one).
 */
export type TotpCheck = { ok: true; step: number } | { ok: false; reason: 'wrong' | 'replayed' };

/**
 * Checks a code against the current time step and one step either side (clock drift), refusing
 * any step at or before `lastUsedStep`. A pure check: claiming the step is the caller's write.
 */
export async function checkTotpCode(options: { secret: string; code: string; lastUsedStep: number; now: Date }): Promise<TotpCheck> {
  const code = options.code.trim();
  if (!TOTP_CODE.test(code)) return { ok: false, reason: 'wrong' };
  const common = { secret: options.secret, token: code, epoch: Math.floor(options.now.getTime() / 1000), epochTolerance: TOTP_PERIOD_SECONDS, period: TOTP_PERIOD_SECONDS };
  const lastUsedStep = Math.max(0, Math.floor(options.lastUsedStep));
  // otplib refuses an `afterTimeStep` beyond the window; then every code in it is used up.
  if (lastUsedStep <= totpStepAt(options.now)) {
    const fresh = await verify({ ...common, afterTimeStep: lastUsedStep });
    // Typed as TOTP-or-HOTP; a TOTP result always carries its time step.
    if (fresh.valid) return { ok: true, step: 'timeStep' in fresh ? fresh.timeStep : totpStepAt(options.now) + fresh.delta };
  }
  const any = await verify(common);
  return { ok: false, reason: any.valid ? 'replayed' : 'wrong' };
}
