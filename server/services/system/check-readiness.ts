import mongoose from 'mongoose';
import type { Runtime } from '../../runtime/runtime';

export interface Readiness {
  ready: boolean;
  checks: Record<string, { ok: boolean; latencyMs?: number; error?: string }>;
}

/**
 * What must hold before this node takes traffic: the database answers and the encryption
 * module can reach its data keys. (The KnowledgeBase check joins when the KB exists.)
 */
export async function checkReadiness(options: { runtime: Runtime }): Promise<Readiness> {
  const checks: Readiness['checks'] = {};
  const started = performance.now();
  try {
    await mongoose.connection.db!.admin().ping();
    checks.database = { ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (error) {
    checks.database = { ok: false, error: (error as Error).message.split('\n')[0] };
  }
  try {
    await options.runtime.encryption.countDataKeys();
    checks.encryption = { ok: true };
  } catch (error) {
    checks.encryption = { ok: false, error: (error as Error).message.split('\n')[0] };
  }
  return { ready: Object.values(checks).every((check) => check.ok), checks };
}
