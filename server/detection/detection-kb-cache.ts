import mongoose from 'mongoose';
import { isFerretDb } from '../db/multikey-indexes';
import { isKbGenerationSettled, KbGenerationModel, type KbGeneration } from '../models/kb-generation.model';
import { KbVulnerabilityModel } from '../models/kb-vulnerability.model';
import { currentRuntime } from '../runtime/runtime';
import { DetectionKbIndex } from './detection-kb-index';
import { DETECTION_RECORD_PROJECTION, type DetectionRecord } from './detection-types';

/**
 * The per-process detection KB cache (README "Detection — KB cache"). FerretDB 1.24 does not push `$in` on an
 * array field down to PostgreSQL, so a lookup by `affectedPackages` reads and decodes the whole KB; the cache reads
 * it once (a cursor, the detection projection) and then, before every lookup, only the records of KB generations
 * (kb-generation.model.ts) settled since: one small query when nothing changed, one pushed-down equality query per
 * new generation otherwise, a full reload after a `reset` generation or another database.
 */

const STREAM_BATCH = 1000;
/** Beyond this many new generations, one full read is cheaper than a query per generation. */
const MAX_INCREMENTAL_GENERATIONS = 50;

interface CacheState {
  database: string;
  index: DetectionKbIndex;
  /** Every generation up to this one is loaded… */
  loadedThrough: number;
  /** …and these later ones too (settled while an earlier one was still writing). */
  loadedAbove: Set<number>;
}

const databaseOf = (connection: mongoose.Connection) => `${connection.host}:${connection.port}/${connection.name}`;

/** Generations (sorted, all after `from`): the last of the leading settled ones, and the settled ones after it. */
function settledPrefix(generations: KbGeneration[], from: number, now: number): { through: number; above: number[] } {
  let through = from;
  let writing = false;
  const above: number[] = [];
  for (const generation of generations) {
    const settled = isKbGenerationSettled(generation, now);
    writing ||= !settled;
    if (!settled) continue;
    if (writing) above.push(generation._id);
    else through = generation._id;
  }
  return { through, above };
}

export class DetectionKbCache {
  private state: CacheState | null = null;
  private running: Promise<DetectionKbIndex> | null = null;
  private queued: Promise<DetectionKbIndex> | null = null;

  /**
   * The index, brought up to date first. A call during a refresh waits for the next one (which it shares with the
   * other waiting calls), so it sees every KB write that finished before it was made.
   */
  current(): Promise<DetectionKbIndex> {
    if (!this.running) {
      this.running = this.refresh().finally(() => {
        this.running = null;
      });
      return this.running;
    }
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return this.current();
      });
    return this.queued;
  }

  async lookup(keys: string[]): Promise<DetectionRecord[]> {
    return (await this.current()).lookup(keys);
  }

  private async refresh(): Promise<DetectionKbIndex> {
    const database = databaseOf(mongoose.connection);
    const state = this.state;
    if (!state || state.database !== database) return this.reload(database);
    // The generation we hold is gone: the database was dropped and filled again, or a backup restored.
    if (state.loadedThrough > 0 && !(await KbGenerationModel.exists({ _id: state.loadedThrough }))) return this.reload(database);
    const newer = await KbGenerationModel.find({ _id: { $gt: state.loadedThrough } }).sort({ _id: 1 }).lean<KbGeneration[]>();
    const now = Date.now();
    const pending = newer.filter((g) => isKbGenerationSettled(g, now) && !state.loadedAbove.has(g._id));
    if (pending.length === 0) return state.index;
    if (pending.length > MAX_INCREMENTAL_GENERATIONS || pending.some((g) => g.reset)) return this.reload(database);
    for (const generation of pending) {
      for await (const record of KbVulnerabilityModel.find({ kbGeneration: generation._id }, DETECTION_RECORD_PROJECTION).batchSize(STREAM_BATCH).lean<DetectionRecord>().cursor()) {
        state.index.upsert(record);
      }
      state.loadedAbove.add(generation._id);
    }
    const { through } = settledPrefix(newer, state.loadedThrough, now);
    for (const id of state.loadedAbove) if (id <= through) state.loadedAbove.delete(id);
    state.loadedThrough = through;
    return state.index;
  }

  /** Reads the whole KB into a new index; generations settled before the read are in it. */
  private async reload(database: string): Promise<DetectionKbIndex> {
    const generations = await KbGenerationModel.find({}).sort({ _id: 1 }).lean<KbGeneration[]>();
    const { through, above } = settledPrefix(generations, 0, Date.now());
    const index = new DetectionKbIndex();
    for await (const record of KbVulnerabilityModel.find({}, DETECTION_RECORD_PROJECTION).batchSize(STREAM_BATCH).lean<DetectionRecord>().cursor()) {
      index.upsert(record);
    }
    this.state = { database, index, loadedThrough: through, loadedAbove: new Set(above) };
    return index;
  }
}

const CACHE_KEY = Symbol.for('vigil.detectionKbCache');
type CacheHolder = { [CACHE_KEY]?: { cache: DetectionKbCache; ferretDb: Map<string, Promise<boolean>> } };

/** One cache per process (kept on globalThis: the CLI and the console's bundled route handlers share it). */
function processCache() {
  const holder = globalThis as CacheHolder;
  holder[CACHE_KEY] ??= { cache: new DetectionKbCache(), ferretDb: new Map() };
  return holder[CACHE_KEY];
}

/**
 * The process's cache when `VIGIL_DETECTION_KB_CACHE` enables it (`auto`: on FerretDB, where `$in` on
 * `affectedPackages` is scanned; MongoDB's multikey index serves lookups without it), else null.
 */
export async function detectionKbCache(): Promise<DetectionKbCache | null> {
  const mode = (await currentRuntime())?.config.detectionKbCache ?? 'auto';
  if (mode === 'off') return null;
  const shared = processCache();
  if (mode === 'on') return shared.cache;
  const database = databaseOf(mongoose.connection);
  if (!shared.ferretDb.has(database)) shared.ferretDb.set(database, isFerretDb(mongoose.connection));
  return (await shared.ferretDb.get(database)!) ? shared.cache : null;
}
