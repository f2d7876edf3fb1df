import { readFileSync } from 'node:fs';
import { AppError } from '../errors/app-error';

/** Reads all of stdin (secrets are piped in, never passed as arguments). */
export async function readStdin(options: { maxBytes: number; what: string }): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write(`Enter the ${options.what}, then Ctrl-D:\n`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > options.maxBytes) throw new AppError('BAD_INPUT', `the ${options.what} on stdin is larger than ${options.maxBytes} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `printf secret` and `echo secret` should store the same password. */
export function stripOneNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

/** A secret kept in a file (passphrases, passwords), read as `printf`/`echo` would have piped it. */
export function readSecretFile(options: { file: string; what: string }): string {
  try {
    return stripOneNewline(readFileSync(options.file, 'utf8'));
  } catch (error) {
    throw new AppError('BAD_INPUT', `cannot read the ${options.what} file ${options.file}: ${(error as Error).message}`);
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printTable(rows: Record<string, string>[], columns: string[]): void {
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  process.stdout.write(`${line(columns.map((c) => c.toUpperCase()))}\n`);
  for (const row of rows) process.stdout.write(`${line(columns.map((column) => row[column] ?? ''))}\n`);
}

/** A zod failure as one line: `field: problem; field: problem`. */
export function zodMessage(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; ');
}
