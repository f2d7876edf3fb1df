import { Schema } from 'mongoose';
import type { KbSourceId } from '../kb/kb-types';
import { defineModel } from './define-model';

/** HTTP validators of one mirrored URL, kept only after its content was imported. */
export interface KbMirroredUrl {
  url: string;
  etag: string | null;
  lastModified: string | null;
  bytes: number;
  fetchedAt: Date;
}

/**
 * A source's mirror settings when they differ from the defaults, and the validators of the
 * last successful sync. (URLs are stored in arrays, never as keys: keys cannot hold dots.)
 */
export interface KbSourceConfig {
  _id: KbSourceId;
  urls: string[] | null;
  enabled: boolean;
  /** BinData subtype 6: an Authorization header value for a protected internal mirror. */
  authHeader: unknown;
  mirrored: KbMirroredUrl[];
  /** NVD API: lastModified of the last complete sync, for incremental windows. */
  nvdLastSyncAt: Date | null;
}

const kbSourceConfigSchema = new Schema<KbSourceConfig>(
  {
    _id: { type: String, required: true },
    urls: { type: [String], default: null },
    enabled: { type: Boolean, default: true },
    authHeader: { type: Schema.Types.Mixed, default: null },
    mirrored: { type: Schema.Types.Mixed, default: [] },
    nvdLastSyncAt: { type: Date, default: null },
  },
  { collection: 'kb_source_configs', versionKey: false },
);

export const KbSourceConfigModel = defineModel<KbSourceConfig>('KbSourceConfig', kbSourceConfigSchema);
