import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Paths that may hold secret material anywhere in a log object. pino replaces them before
 * serialisation, so a careless `log.info({ input })` still never writes a secret.
 */
const REDACTED_PATHS = [
  'password',
  'secret',
  'privateKey',
  'passphrase',
  'sudoPassword',
  'token',
  'authorization',
  '*.password',
  '*.secret',
  '*.privateKey',
  '*.passphrase',
  '*.sudoPassword',
  '*.token',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
];

/** Structured JSON logs; `destination` 2 sends them to stderr so CLI stdout stays machine-readable. */
export function createLogger(options: { level: string; destination?: 1 | 2; name?: string }): Logger {
  return pino(
    {
      level: options.level,
      name: options.name ?? 'vigil',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.destination({ fd: options.destination ?? 1, sync: true }),
  );
}
