import mongoose, { type Schema } from 'mongoose';

/**
 * Registers a model once per process. The CLI and the console's bundled route handlers may
 * both load a model file; the second load reuses the first registration.
 */
export function defineModel<T>(name: string, schema: Schema<T>): mongoose.Model<T> {
  return (mongoose.models[name] as mongoose.Model<T> | undefined) ?? mongoose.model<T>(name, schema);
}
