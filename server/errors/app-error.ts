/**
 * The one domain error type. Services throw it; transports map `code` to their own status
 * (tRPC code, HTTP status, CLI exit code). `message` is safe to show to the caller.
 */
export type AppErrorCode =
  | 'BAD_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'CONFIG_INVALID'
  | 'DB_UNREACHABLE'
  | 'DB_START_FAILED'
  | 'MASTER_KEY_MISSING'
  | 'MASTER_KEY_INVALID'
  | 'MASTER_KEY_MISMATCH'
  | 'TLS_INVALID'
  /** A signature or checksum does not hold (bundles, the audit chain). */
  | 'VERIFICATION_FAILED'
  /** No valid session or token; the caller must sign in. */
  | 'UNAUTHENTICATED'
  /** Signed in, but the role does not allow the action. */
  | 'FORBIDDEN'
  /** A sensitive change needs the user to confirm their password (or TOTP) again. */
  | 'REAUTH_REQUIRED'
  /** Too many attempts (login throttling, account lockout). */
  | 'RATE_LIMITED'
  | 'INTERNAL';

export class AppError extends Error {
  readonly code: AppErrorCode;

  constructor(code: AppErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof Error && error.name === 'AppError' && typeof (error as AppError).code === 'string';
}
