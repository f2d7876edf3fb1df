import { newTypedCode, normalizeTypedCode, sha256Hex } from '../../auth/secret-token';

export const RECOVERY_CODE_COUNT = 10;
/** No 0/o, 1/i/l: codes are read off paper. 31 symbols × 16 ≈ 79 bits, beyond brute force of the stored SHA-256. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const CODE_LENGTH = 16;

/** One-time codes for when the authenticator is lost, shown once as `xxxx-xxxx-xxxx-xxxx`. */
export function newRecoveryCodes(count: number = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => newTypedCode(ALPHABET, CODE_LENGTH));
}

/** Case, spaces and dashes do not matter when a code is typed back. */
export const normalizeRecoveryCode = normalizeTypedCode;

/** What is stored: codes are random, so a plain SHA-256 is enough (as for session and API tokens). */
export function hashRecoveryCode(code: string): string {
  return sha256Hex(normalizeTypedCode(code));
}
