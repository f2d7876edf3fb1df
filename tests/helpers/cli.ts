import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '../..');
export const VIGIL_BIN = path.join(PROJECT_ROOT, 'bin', 'vigil.mjs');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** An environment with none of the caller's Vigil settings, plus the given ones. */
export type Env = Record<string, string | undefined>;

export function cleanEnv(overrides: Env): Env {
  const env: Env = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' };
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) env[key] = value;
  return env;
}

export function tempDataDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'vigil-test-'));
}

/** Runs `vigil …` as a user would, with stdin piped in. */
export function runVigil(args: string[], options: { env: Env; input?: string; timeoutMs?: number }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VIGIL_BIN, ...args], { env: options.env as NodeJS.ProcessEnv, cwd: PROJECT_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`vigil ${args.join(' ')} timed out; stderr: ${stderr}`));
    }, options.timeoutMs ?? 45_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
