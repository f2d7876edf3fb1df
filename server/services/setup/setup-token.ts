import { newTypedCode, normalizeTypedCode, sha256Hex } from '../../auth/secret-token';

/** A token is good for a day; a console restart while no account exists gives it another day. */
export const SETUP_TOKEN_TTL_MS = 24 * 60 * 60_000;

/** RFC 4648 base32: read off a VM's console and typed by hand, so one case and no 0/1/8/9. */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
/** 32 symbols of 5 bits: 160 bits. */
const TOKEN_LENGTH = 32;

/** A new token, written as `xxxx-xxxx-…` (eight groups of four). */
export function newSetupToken(): string {
  return newTypedCode(ALPHABET, TOKEN_LENGTH);
}

/** What is stored: the token is random, so a plain SHA-256 of it (case, spaces and dashes aside) is enough. */
export function hashSetupToken(token: string): string {
  return sha256Hex(normalizeTypedCode(token));
}
