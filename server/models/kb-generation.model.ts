import { Schema } from 'mongoose';
import { defineModel } from './define-model';
import { isDuplicateKeyError } from '../db/duplicate-key';

/**
 * KB generations (README "Detection — KB cache"): every write of KB records happens inside a generation — one
 * document here, numbered 1, 2, 3… — and stamps the records it writes with that number (`kbGeneration`). A
 * detection KB cache holding generation N reads only the records of the generations after N, once they are no
 * longer `writing`. A `reset` generation (records deleted) makes caches reload everything.
 */
export interface KbGeneration {
  _id: number;
  writing: boolean;
  reset: boolean;
  startedAt: Date;
  finishedAt: Date | null;
}

const kbGenerationSchema = new Schema<KbGeneration>(
  {
    _id: { type: Number, required: true },
    writing: { type: Boolean, required: true },
    reset: { type: Boolean, default: false },
    startedAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
  },
  { collection: 'kb_generations', versionKey: false },
);

export const KbGenerationModel = defineModel<KbGeneration>('KbGeneration', kbGenerationSchema);

/** A writer that has not finished after this long crashed: what it wrote counts as done. */
export const KB_WRITE_STALE_MS = 60 * 60 * 1000;

export const isKbGenerationSettled = (generation: Pick<KbGeneration, 'writing' | 'startedAt'>, now = Date.now()) =>
  !generation.writing || now - generation.startedAt.getTime() > KB_WRITE_STALE_MS;

/**
 * Opens the next generation. Numbered by a unique insert of the highest + 1 (the loser of a race takes the next),
 * so a generation exists only once every lower one does: a cache never skips a number it has not seen yet.
 */
async function openKbGeneration(reset: boolean): Promise<number> {
  for (;;) {
    const last = await KbGenerationModel.findOne({}, { _id: 1 }).sort({ _id: -1 }).lean();
    const generation = (last?._id ?? 0) + 1;
    try {
      await KbGenerationModel.create({ _id: generation, writing: true, reset, startedAt: new Date(), finishedAt: null });
      return generation;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
}

/**
 * Runs a write of KB records inside a new generation: `write` stamps every record it inserts or changes with
 * `kbGeneration: generation`. Pass `reset` when records are deleted (caches cannot see a deletion otherwise).
 */
export async function withKbGeneration<T>(write: (generation: number) => Promise<T>, options: { reset?: boolean } = {}): Promise<T> {
  const generation = await openKbGeneration(options.reset ?? false);
  try {
    return await write(generation);
  } finally {
    await KbGenerationModel.updateOne({ _id: generation }, { $set: { writing: false, finishedAt: new Date() } });
  }
}
