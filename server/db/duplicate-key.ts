/** MongoDB's (and FerretDB's) error code for a write a unique index refused. */
const DUPLICATE_KEY = 11000;

type WriteError = { code?: number; err?: { code?: number } };

/** Whether a write failed because a unique index refused it. */
export const isDuplicateKeyError = (error: unknown): boolean => (error as { code?: number } | null)?.code === DUPLICATE_KEY;

/**
 * Whether an unordered bulk insert failed only on documents a unique index already holds: the error's own code, or
 * every one of its write errors (one or a list, as the driver reports them).
 */
export function onlyDuplicateKeyErrors(error: unknown): boolean {
  if (isDuplicateKeyError(error)) return true;
  const writeErrors = (error as { writeErrors?: WriteError[] | WriteError } | null)?.writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  return list.length > 0 && list.every((e) => (e.code ?? e.err?.code) === DUPLICATE_KEY);
}
