import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { checkTotpCode, manualEntryKey, newTotpSecret, TOTP_PERIOD_SECONDS, totpStepAt, totpUri } from '../../../../server/services/mfa/totp';

const secret = newTotpSecret();
/** Middle of a step, so neighbours are exactly one step away. */
const now = new Date((59_848_656 * TOTP_PERIOD_SECONDS + 12) * 1000);
const step = totpStepAt(now);
const codeAt = (s: number) => generate({ secret, epoch: s * TOTP_PERIOD_SECONDS + 1 });

describe('TOTP check', () => {
  it('makes 160-bit Base32 secrets and an otpauth URI for authenticator apps', () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    const uri = new URL(totpUri({ label: 'ana@example.test', secret }));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('Vigil');
    expect(decodeURIComponent(uri.pathname)).toContain('Vigil:ana@example.test');
    expect(manualEntryKey('ABCDEFGHIJ')).toBe('ABCD EFGH IJ');
  });

  it('accepts the current step and one step either side, nothing further', async () => {
    for (const offset of [-1, 0, 1]) {
      expect(await checkTotpCode({ secret, code: await codeAt(step + offset), lastUsedStep: 0, now })).toEqual({ ok: true, step: step + offset });
    }
    for (const offset of [-3, -2, 2, 3]) {
      expect(await checkTotpCode({ secret, code: await codeAt(step + offset), lastUsedStep: 0, now })).toEqual({ ok: false, reason: 'wrong' });
    }
  });

  it('refuses a step at or before the last one used as a replay', async () => {
    const current = await codeAt(step);
    expect(await checkTotpCode({ secret, code: current, lastUsedStep: step, now })).toEqual({ ok: false, reason: 'replayed' });
    expect(await checkTotpCode({ secret, code: await codeAt(step - 1), lastUsedStep: step, now })).toEqual({ ok: false, reason: 'replayed' });
    expect(await checkTotpCode({ secret, code: await codeAt(step + 1), lastUsedStep: step, now })).toEqual({ ok: true, step: step + 1 });
    // A last step beyond the window (the server clock went back): every code in the window is used up.
    expect(await checkTotpCode({ secret, code: await codeAt(step + 1), lastUsedStep: step + 5, now })).toEqual({ ok: false, reason: 'replayed' });
  });

  it('treats malformed codes as wrong instead of throwing', async () => {
    for (const code of ['', '12345', '1234567', 'abcdef', '12 34 56']) {
      expect(await checkTotpCode({ secret, code, lastUsedStep: 0, now })).toEqual({ ok: false, reason: 'wrong' });
    }
    expect(await checkTotpCode({ secret, code: ` ${await codeAt(step)} `, lastUsedStep: 0, now })).toEqual({ ok: true, step });
  });
});
