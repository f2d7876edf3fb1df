import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/**
 * What a node signs for each request: the method, the path with its query, the time, and the body's SHA-256, so
 * a signature cannot be moved to another request or body. Replaying the same request within the clock-skew window
 * is possible but harmless: every protocol operation is idempotent.
 */
export function signingPayload(options: { method: string; path: string; timestamp: string; body: string }): Buffer {
  const bodyHash = createHash('sha256').update(options.body).digest('hex');
  return Buffer.from(['vigil-scanner-v1', options.method.toUpperCase(), options.path, options.timestamp, bodyHash].join('\n'));
}

export function signRequest(options: { privateKey: KeyObject; method: string; path: string; timestamp: string; body: string }): string {
  return sign(null, signingPayload(options), options.privateKey).toString('base64');
}

export function verifyRequestSignature(options: { publicKeyPem: string; signature: string; method: string; path: string; timestamp: string; body: string }): boolean {
  try {
    return verify(null, signingPayload(options), createPublicKey(options.publicKeyPem), Buffer.from(options.signature, 'base64'));
  } catch {
    return false;
  }
}

/** Only Ed25519 identities are accepted: small, fast, and no parameter choices to get wrong. */
export function isEd25519PublicKey(pem: string): boolean {
  try {
    return createPublicKey(pem).asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}

/**
 * Enrolment token: `vst1.<secret>.<pin>`. The pin is the SHA-256 of the certificate the node must find in the
 * console's TLS chain (the internal CA, or the operator's certificate), so the very first connection is
 * already authenticated — no trust-on-first-use of the console.
 */
export const ENROLLMENT_TOKEN_PREFIX = 'vst1';

export function parseEnrollmentToken(token: string): { secret: string; pin: string } | null {
  const match = /^vst1\.([A-Za-z0-9_-]{32,128})\.([0-9a-f]{64})$/.exec(token.trim());
  return match ? { secret: match[1]!, pin: match[2]! } : null;
}

export function enrollmentTokenId(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** SHA-256 of a certificate's DER bytes, lower-case hex without separators. */
export function certificatePin(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}
