import { createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export interface FetchLimits {
  /** Largest download accepted, in bytes. */
  maxBytes: number;
  /** Whole-request time limit (headers and body). */
  timeoutMs: number;
  /** Attempts for network errors, 5xx and 429 (4xx other than 429 fail at once). */
  attempts: number;
  /** First back-off delay; doubles per attempt. */
  backoffMs: number;
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = { maxBytes: 2 * 1024 * 1024 * 1024, timeoutMs: 15 * 60_000, attempts: 4, backoffMs: 2_000 };

export type FetchOutcome =
  | { status: 'not-modified'; url: string }
  | { status: 'downloaded'; url: string; file: string; bytes: number; etag: string | null; lastModified: string | null };

class PermanentFetchError extends Error {}

/** Feed content never arrives as a web page; an HTML answer is a portal, login or error page. */
function assertFeedContentType(url: string, contentType: string | null): void {
  if (contentType && /text\/html|application\/xhtml/i.test(contentType)) {
    throw new PermanentFetchError(`${url}: the server answered with ${contentType.split(';')[0]}, not feed data (a login or error page?)`);
  }
}

function byteLimit(limit: number, url: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > limit) callback(new PermanentFetchError(`${url}: larger than the ${limit}-byte limit`));
      else callback(null, chunk);
    },
  });
}

/**
 * Downloads one upstream URL with a conditional request. The body goes to a temporary file
 * renamed into place only when complete, so a broken download never looks like a feed file.
 */
export async function fetchUpstream(options: {
  url: string;
  destDir: string;
  fileName: string;
  etag?: string | null;
  lastModified?: string | null;
  /** One extra request header as `Name: value` (an internal mirror's Authorization, NVD's apiKey). */
  authHeader?: string | null;
  limits?: Partial<FetchLimits>;
}): Promise<FetchOutcome> {
  const limits = { ...DEFAULT_FETCH_LIMITS, ...options.limits };
  mkdirSync(options.destDir, { recursive: true, mode: 0o700 });
  const target = path.join(options.destDir, options.fileName);
  let lastError: Error = new Error(`${options.url}: not fetched`);
  for (let attempt = 1; attempt <= limits.attempts; attempt += 1) {
    const partial = `${target}.partial`;
    try {
      const headers: Record<string, string> = { 'user-agent': 'Vigil-KB-mirror/1', accept: '*/*' };
      if (options.etag) headers['if-none-match'] = options.etag;
      if (options.lastModified) headers['if-modified-since'] = options.lastModified;
      if (options.authHeader) {
        const colon = options.authHeader.indexOf(':');
        if (colon > 0) headers[options.authHeader.slice(0, colon).trim().toLowerCase()] = options.authHeader.slice(colon + 1).trim();
      }
      const response = await fetch(options.url, { headers, signal: AbortSignal.timeout(limits.timeoutMs), redirect: 'follow' });
      if (response.status === 304) return { status: 'not-modified', url: options.url };
      if (response.status >= 400) {
        const message = `${options.url}: HTTP ${response.status} ${response.statusText}`;
        await response.body?.cancel();
        if (response.status < 500 && response.status !== 429) throw new PermanentFetchError(message);
        throw new Error(message);
      }
      assertFeedContentType(options.url, response.headers.get('content-type'));
      const declared = Number(response.headers.get('content-length') ?? NaN);
      if (declared > limits.maxBytes) throw new PermanentFetchError(`${options.url}: ${declared} bytes announced, larger than the ${limits.maxBytes}-byte limit`);
      if (!response.body) throw new Error(`${options.url}: empty response`);
      let bytes = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          bytes += chunk.length;
          callback(null, chunk);
        },
      });
      await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), byteLimit(limits.maxBytes, options.url), counter, createWriteStream(partial, { mode: 0o600 }));
      if (Number.isFinite(declared) && bytes !== declared) throw new Error(`${options.url}: received ${bytes} of ${declared} bytes`);
      renameSync(partial, target);
      return { status: 'downloaded', url: options.url, file: target, bytes, etag: response.headers.get('etag'), lastModified: response.headers.get('last-modified') };
    } catch (error) {
      rmSync(partial, { force: true });
      // fetch() reports network failures as "fetch failed" with the reason in `cause`.
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      lastError = (error as Error).message === 'fetch failed' && cause ? new Error(cause.code ?? cause.message ?? 'network error') : (error as Error);
      if (error instanceof PermanentFetchError) throw new Error(lastError.message);
      if (attempt < limits.attempts) await sleep(limits.backoffMs * 2 ** (attempt - 1));
    }
  }
  const reason = lastError.name === 'TimeoutError' ? `timed out after ${limits.timeoutMs} ms` : lastError.message.replace(`${options.url}: `, '');
  throw new Error(`${options.url}: failed after ${limits.attempts} attempts: ${reason}`);
}
