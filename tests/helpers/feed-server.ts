import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FeedServer {
  url: string;
  /** Requests seen, as `METHOD path status`. */
  log: string[];
  /** Responses to give instead of the file, by path, consumed in order. */
  faults: Map<string, { status: number; contentType?: string; body?: string }[]>;
  close(): Promise<void>;
}

/**
 * A local mirror of upstream feed files on 127.0.0.1 with real HTTP semantics: ETag and
 * Last-Modified validators, 304 answers to conditional requests, Content-Length. Routes map
 * URL paths to files (or to a function producing a body, for the NVD API emulation).
 */
export async function startFeedServer(routes: Record<string, string | ((url: URL) => string)>): Promise<FeedServer> {
  const log: string[] = [];
  const faults = new Map<string, { status: number; contentType?: string; body?: string }[]>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const respond = (status: number, headers: Record<string, string | number>, body?: Buffer | string) => {
      log.push(`${req.method} ${url.pathname}${url.search} ${status}`);
      res.writeHead(status, headers);
      res.end(body);
    };
    const fault = faults.get(url.pathname)?.shift();
    if (fault) return respond(fault.status, { 'content-type': fault.contentType ?? 'text/plain' }, fault.body ?? '');
    const route = routes[url.pathname];
    if (!route) return respond(404, { 'content-type': 'text/plain' }, 'not found');
    if (typeof route === 'function') {
      const body = route(url);
      return respond(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, body);
    }
    const content = readFileSync(route);
    const etag = `"${createHash('sha1').update(content).digest('hex')}"`;
    const lastModified = statSync(route).mtime.toUTCString();
    if (req.headers['if-none-match'] === etag) return respond(304, { etag });
    respond(200, { 'content-type': 'application/octet-stream', 'content-length': content.length, etag, 'last-modified': lastModified }, content);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    faults,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
