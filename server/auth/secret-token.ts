import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** 256 bits from the CSPRNG, URL-safe; `prefix` names the kind (e.g. `vgl_` for API tokens). */
export function newSecretToken(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

const TYPED_CODE_GROUP = 4;

/**
 * A secret people read and type (recovery codes, the first-boot setup token): `length` symbols of `alphabet` from
 * the CSPRNG, written in groups of four joined by dashes (`xxxx-xxxx-…`).
 */
export function newTypedCode(alphabet: string, length: number): string {
  const symbols = Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');
  return symbols.match(new RegExp(`.{1,${TYPED_CODE_GROUP}}`, 'g'))!.join('-');
}

/** Case, spaces and dashes do not matter when a typed code comes back. */
export function normalizeTypedCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]+/g, '');
}

/** Tokens are stored as SHA-256: they are random, so a slow hash adds nothing. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function equalSecrets(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
