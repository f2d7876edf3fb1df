import https from 'node:https';

export interface RestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  setCookies: string[];
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: unknown;
}

/** One HTTPS request to the test console on loopback (its certificate comes from a fresh internal CA). */
export function restRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown; rawBody?: string } = {},
): Promise<RestResponse> {
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers: Record<string, string> = { ...(body !== undefined && options.rawBody === undefined ? { 'content-type': 'application/json' } : {}), ...options.headers };
  return new Promise((resolve, reject) => {
    const request = https.request(url, { method: options.method ?? 'GET', headers, rejectUnauthorized: false }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, setCookies: response.headers['set-cookie'] ?? [], text, json });
      });
    });
    request.setTimeout(30_000, () => request.destroy(new Error(`timeout: ${options.method ?? 'GET'} ${url}`)));
    request.once('error', reject);
    request.end(body);
  });
}

/** `name=value` of a Set-Cookie header, by cookie name. */
export function cookieValue(setCookies: string[], name: string): string | undefined {
  const line = setCookies.find((cookie) => cookie.startsWith(`${name}=`));
  return line?.slice(name.length + 1).split(';')[0];
}
