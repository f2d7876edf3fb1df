import { Schema } from 'mongoose';
import { defineModel } from './define-model';

/** Monotonic sequences (Vigil ids). Incremented atomically with $inc; never decremented. */
export interface Counter {
  _id: string;
  seq: number;
}

const counterSchema = new Schema<Counter>({ _id: { type: String, required: true }, seq: { type: Number, required: true } }, { collection: 'counters', versionKey: false });

export const CounterModel = defineModel<Counter>('Counter', counterSchema);

/** Reserves `count` consecutive numbers of a sequence; returns the first. */
export async function reserveSequence(name: string, count: number): Promise<number> {
  const counter = await CounterModel.findOneAndUpdate({ _id: name }, { $inc: { seq: count } }, { upsert: true, new: true }).lean();
  if (!counter) throw new Error(`sequence ${name} could not be reserved`);
  return counter.seq - count + 1;
}
