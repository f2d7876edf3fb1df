import type { TestProject } from 'vitest/node';
import { startFerretDb } from './ferretdb';
import { createPgDatabase, dropPgDatabase } from './postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URI (no database name) of the FerretDB that integration tests share. */
    ferretdbUri: string;
  }
}

/**
 * One FerretDB on a fresh PostgreSQL database for the whole run; each test file then works
 * in a database of its own (tests/helpers/test-db.ts), created and dropped around it.
 */
export default async function setup(project: TestProject) {
  const pgDatabase = `vigil_test_${process.pid}_${Date.now()}`;
  const pgUrl = createPgDatabase(pgDatabase);
  const ferret = await startFerretDb(['--backend', 'postgresql', '--postgresql-url', pgUrl]);
  project.provide('ferretdbUri', ferret.uri);
  return async () => {
    await ferret.stop();
    dropPgDatabase(pgDatabase);
  };
}
