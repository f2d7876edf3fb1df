import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../../server/auth/secret-token';
import { hashRecoveryCode, newRecoveryCodes, normalizeRecoveryCode, RECOVERY_CODE_COUNT } from '../../../../server/services/mfa/recovery-codes';

describe('recovery codes', () => {
  it('makes ten distinct, readable codes without ambiguous characters', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).toMatch(/^[a-hjkmnp-z2-9]{4}(-[a-hjkmnp-z2-9]{4}){3}$/);
  });

  it('hashes the normalised code, so case, spaces and dashes do not matter', () => {
    const [code] = newRecoveryCodes(1);
    const hash = hashRecoveryCode(code!);
    expect(hash).toBe(sha256Hex(code!.replaceAll('-', '')));
    expect(hash).not.toContain(code!.replaceAll('-', ''));
    expect(hashRecoveryCode(` ${code!.toUpperCase().replaceAll('-', ' ')} `)).toBe(hash);
    expect(normalizeRecoveryCode('AbCd-EfGh')).toBe('abcdefgh');
  });
});
