/**
 * What the REST transport adds around trpc-to-openapi: a bounded request body, body-less POSTs
 * accepted as `{}`, the session cookies the procedures set, and error bodies whose message says
 * what was wrong (field by field for invalid input).
 */

export const REST_ENDPOINT = '/api/v1';
export const MAX_BODY_BYTES = 1024 * 1024;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

function jsonError(status: number, code: string, message: string): Response {
  return Response.json({ message, code }, { status, headers: { 'cache-control': 'no-store' } });
}

async function readBounded(req: Request): Promise<string | null> {
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The request as trpc-to-openapi should see it, or the error response that ends it here. */
export async function prepareRequest(req: Request): Promise<Request | Response> {
  if (!BODY_METHODS.has(req.method)) return req;
  if (Number(req.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) return jsonError(413, 'PAYLOAD_TOO_LARGE', `request body larger than ${MAX_BODY_BYTES} bytes`);
  const text = await readBounded(req);
  if (text === null) return jsonError(413, 'PAYLOAD_TOO_LARGE', `request body larger than ${MAX_BODY_BYTES} bytes`);
  const headers = new Headers(req.headers);
  headers.delete('content-length');
  // `curl -X POST …/auth/logout` sends no body and no content type: that is an empty JSON object.
  if (text.trim() === '' && (!headers.get('content-type') || headers.get('content-type')?.includes('application/json'))) {
    headers.set('content-type', 'application/json');
    return new Request(req.url, { method: req.method, headers, body: '{}' });
  }
  return new Request(req.url, { method: req.method, headers, body: text });
}

interface ErrorBody {
  message?: string;
  code?: string;
  issues?: { path?: PropertyKey[]; message?: string }[];
  [key: string]: unknown;
}

function describeIssues(issues: NonNullable<ErrorBody['issues']>): string {
  return issues.map((issue) => `${issue.path?.length ? issue.path.map(String).join('.') : 'input'}: ${issue.message ?? 'invalid'}`).join('; ');
}

/** A clearer message than the library's generic ones; everything else of the body stays. */
function clarify(body: ErrorBody): ErrorBody {
  if (body.issues?.length) return { ...body, message: `invalid input: ${describeIssues(body.issues)}` };
  if (body.code === 'PARSE_ERROR') return { ...body, message: 'the request body is not valid JSON' };
  if (body.code === 'UNSUPPORTED_MEDIA_TYPE') return { ...body, message: 'send the request body as JSON (content-type: application/json)' };
  return body;
}

/** Adds the cookies the procedure set, keeps API answers out of caches and rewrites error messages. */
export async function finishResponse(response: Response, resHeaders: Headers): Promise<Response> {
  const headers = new Headers(response.headers);
  for (const cookie of resHeaders.getSetCookie()) headers.append('set-cookie', cookie);
  headers.set('cache-control', 'no-store');
  if (response.status < 400) return new Response(response.body, { status: response.status, headers });
  const text = await response.text();
  let body: ErrorBody;
  try {
    body = clarify(JSON.parse(text) as ErrorBody);
  } catch {
    body = { message: text || 'request failed', code: 'INTERNAL_SERVER_ERROR' };
  }
  if (response.status === 401) headers.set('www-authenticate', 'Bearer realm="vigil"');
  headers.set('content-type', 'application/json');
  headers.delete('content-length');
  return new Response(JSON.stringify(body), { status: response.status, headers });
}
