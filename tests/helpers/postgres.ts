import { execFileSync } from 'node:child_process';

/** The PostgreSQL server the tests use (trust auth on loopback, as the set-up configures). */
export const TEST_PG_URL = process.env.VIGIL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function psql(sql: string): void {
  execFileSync('psql', [TEST_PG_URL, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], { stdio: ['ignore', 'ignore', 'pipe'] });
}

export function pgDatabaseUrl(name: string): string {
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export function createPgDatabase(name: string): string {
  psql(`CREATE DATABASE "${name}"`);
  return pgDatabaseUrl(name);
}

export function pgDatabaseExists(name: string): boolean {
  return execFileSync('psql', [TEST_PG_URL, '-At', '-c', `SELECT 1 FROM pg_database WHERE datname = '${name.replace(/'/g, "''")}'`]).toString().trim() === '1';
}

export function dropPgDatabase(name: string): void {
  psql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
