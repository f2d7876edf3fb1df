import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../server/trpc/root';

export type SystemStatus = inferRouterOutputs<AppRouter>['system']['status'];

/** A failure as the dashboard shows it: a domain code and a message written for people. */
export interface StatusError {
  code: string;
  message: string;
}

const ENGINE_LABEL: Record<SystemStatus['database']['engine'], string> = {
  ferretdb: 'FerretDB',
  mongodb: 'MongoDB',
};

const BACKEND_LABEL: Record<SystemStatus['database']['backend'], string> = {
  sqlite: 'SQLite',
  postgresql: 'PostgreSQL',
  mongodb: 'MongoDB',
  unknown: 'unknown backend',
};

const MASTER_KEY_LABEL: Record<SystemStatus['encryption']['masterKey'], string> = {
  'local-file': 'Local key file',
  kmip: 'KMIP server (HSM)',
};

/** "FerretDB 1.24.2 · SQLite · embedded", "MongoDB 7.0.14 · external". */
export function formatDatabase(db: SystemStatus['database']): string {
  const where = db.embedded ? 'embedded' : 'external';
  // An unreachable server cannot say what it is.
  if (!db.reachable) return `Unknown engine · ${where}`;
  const version = db.serverVersion && db.serverVersion !== 'unknown' ? ` ${db.serverVersion}` : '';
  const parts = [`${ENGINE_LABEL[db.engine]}${version}`];
  // A MongoDB server is its own backend; naming it twice says nothing.
  if (db.engine !== 'mongodb') parts.push(BACKEND_LABEL[db.backend]);
  parts.push(where);
  return parts.join(' · ');
}

export function formatMasterKey(source: SystemStatus['encryption']['masterKey']): string {
  return MASTER_KEY_LABEL[source];
}

/** "12 s", "4 min 12 s", "2 h 5 min", "3 d 4 h": the two most significant units. */
export function formatUptime(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const units: Array<[string, number]> = [
    ['d', Math.floor(seconds / 86_400)],
    ['h', Math.floor((seconds % 86_400) / 3_600)],
    ['min', Math.floor((seconds % 3_600) / 60)],
    ['s', seconds % 60],
  ];
  const first = units.findIndex(([, value]) => value > 0);
  if (first === -1) return '0 s';
  return units
    .slice(first, first + 2)
    .filter(([, value]) => value > 0)
    .map(([unit, value]) => `${value} ${unit}`)
    .join(' ');
}

/** Latency with a precision that matches its size: "0.8 ms", "12 ms". */
export function formatLatency(latencyMs: number | null): string {
  if (latencyMs === null) return '—';
  return latencyMs < 10 ? `${latencyMs.toFixed(1)} ms` : `${Math.round(latencyMs)} ms`;
}

/** "2025-11-23 15:51:07 UTC": the same on the server and in every browser time zone. */
export function formatUtc(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
