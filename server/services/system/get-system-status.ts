import mongoose from 'mongoose';
import type { Runtime } from '../../runtime/runtime';

export interface SystemStatus {
  version: string;
  nodeVersion: string;
  uptimeSeconds: number;
  startedAt: string;
  database: {
    /** What answers the MongoDB wire protocol: FerretDB or MongoDB. */
    engine: 'ferretdb' | 'mongodb';
    backend: 'sqlite' | 'postgresql' | 'mongodb' | 'unknown';
    serverVersion: string;
    embedded: boolean;
    name: string;
    reachable: boolean;
    latencyMs: number | null;
  };
  encryption: { masterKey: 'local-file' | 'kmip'; dataKeys: number };
}

interface BuildInfo {
  version?: string;
  /** Only FerretDB answers with this field. */
  ferretdbVersion?: string;
}

export async function getSystemStatus(options: { runtime: Runtime }): Promise<SystemStatus> {
  const { runtime } = options;
  const started = performance.now();
  let reachable = true;
  let latencyMs: number | null = null;
  let buildInfo: BuildInfo = {};
  try {
    await mongoose.connection.db!.admin().ping();
    latencyMs = Math.round((performance.now() - started) * 10) / 10;
    buildInfo = (await mongoose.connection.db!.admin().buildInfo()) as BuildInfo;
  } catch {
    reachable = false;
  }
  const isFerret = buildInfo.ferretdbVersion !== undefined;
  const dataKeys = reachable ? await runtime.encryption.countDataKeys() : 0;
  return {
    version: runtime.version,
    nodeVersion: process.version,
    uptimeSeconds: Math.round((Date.now() - runtime.startedAt.getTime()) / 1000),
    startedAt: runtime.startedAt.toISOString(),
    database: {
      engine: isFerret ? 'ferretdb' : 'mongodb',
      // FerretDB does not report its backend; the embedded one is SQLite by construction.
      backend: isFerret ? (runtime.db.embedded ? 'sqlite' : 'unknown') : reachable ? 'mongodb' : 'unknown',
      serverVersion: (isFerret ? buildInfo.ferretdbVersion : buildInfo.version) ?? 'unknown',
      embedded: runtime.db.embedded,
      name: runtime.db.dbName,
      reachable,
      latencyMs,
    },
    encryption: { masterKey: runtime.config.kmip ? 'kmip' : 'local-file', dataKeys },
  };
}
