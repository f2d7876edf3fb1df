import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { AppError } from '../errors/app-error';

/** OWASP's argon2id baseline (19 MiB, 2 iterations, 1 lane); @node-rs/argon2 defaults to argon2id. */
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

/** A few of the most-used passwords that pass the length rule; a real deployment adds its own list. */
const COMMON_PASSWORDS = new Set(['password1234', '123456789012', 'qwertyuiopas', 'passwordpassword', 'administrator', 'letmeinletmein', 'iloveyou1234', 'changemechangeme', 'welcome12345']);

/** ASVS V6.2: length over composition rules, no truncation, reject the obvious. */
export function checkPasswordPolicy(password: string, context: { email: string }): void {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) problems.push(`at least ${PASSWORD_MIN_LENGTH} characters`);
  if (length > PASSWORD_MAX_LENGTH) problems.push(`at most ${PASSWORD_MAX_LENGTH} characters`);
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) problems.push('not a commonly used password');
  if (/^(.)\1*$/u.test(password)) problems.push('not one repeated character');
  const localPart = context.email.split('@')[0]?.toLowerCase() ?? '';
  if (localPart.length >= 4 && lower.includes(localPart)) problems.push('not containing the account name');
  if (problems.length > 0) throw new AppError('BAD_INPUT', `password must be ${problems.join(', ')}`);
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/**
 * Verifies against a stored hash. Unknown accounts are checked against a dummy hash so a
 * wrong e-mail costs the same time as a wrong password (no account enumeration by timing).
 */
export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  try {
    return await verify(storedHash ?? (await dummyHash()), password);
  } catch {
    return false;
  }
}

/** The hash of a random password nobody knows. */
let dummy: Promise<string> | undefined;
function dummyHash(): Promise<string> {
  dummy ??= hash(randomBytes(32).toString('hex'), ARGON2_OPTIONS);
  return dummy;
}
