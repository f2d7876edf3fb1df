import type { FieldEncryption } from '../../crypto/encryption';
import { AppError } from '../../errors/app-error';
import { DEFAULT_KB_SOURCES } from '../../kb/sync/default-kb-sources';
import { KbSourceConfigModel } from '../../models/kb-source-config.model';

/**
 * Changes a source's mirror settings. `urls: null` returns to the official URLs. The optional
 * request header (credentials of an internal mirror, an NVD API key) is stored encrypted.
 */
export async function setKbSource(options: {
  id: string;
  urls?: string[] | null;
  enabled?: boolean;
  authHeader?: string;
  encryption: FieldEncryption;
}): Promise<void> {
  const defaults = DEFAULT_KB_SOURCES.find((s) => s.id === options.id);
  if (!defaults) throw new AppError('BAD_INPUT', `unknown KB source "${options.id}" (known: ${DEFAULT_KB_SOURCES.map((s) => s.id).join(', ')})`);
  for (const url of options.urls ?? []) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new AppError('BAD_INPUT', `"${url}" is not a URL`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new AppError('BAD_INPUT', `"${url}": only http(s) URLs can be mirrored`);
  }
  if (options.authHeader !== undefined && options.authHeader !== '' && !/^[A-Za-z0-9-]+:\s*\S/.test(options.authHeader)) {
    throw new AppError('BAD_INPUT', 'the header must look like "Name: value"');
  }
  const set: Record<string, unknown> = {};
  if (options.urls !== undefined) {
    set.urls = options.urls;
    set.mirrored = [];
  }
  if (options.enabled !== undefined) set.enabled = options.enabled;
  if (options.authHeader !== undefined) set.authHeader = options.authHeader ? await options.encryption.encrypt(options.authHeader, { purpose: 'sensitive' }) : null;
  await KbSourceConfigModel.updateOne({ _id: options.id }, { $set: set }, { upsert: true });
}
