import { Schema } from 'mongoose';
import { defineModel } from './define-model';

/** A held mutex (server/db/mutex.ts): present while its holder works, removed when it is done. */
export interface Mutex {
  _id: string;
  holder: string;
  /** A holder that died leaves its mutex; after this it may be taken over. */
  expiresAt: Date;
}

const mutexSchema = new Schema<Mutex>(
  {
    _id: { type: String, required: true },
    holder: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'mutexes', versionKey: false },
);

export const MutexModel = defineModel<Mutex>('Mutex', mutexSchema);
