import { TRPCError } from '@trpc/server';
import type { NodeHTTPResponse } from '@trpc/server/adapters/node-http';
import { createOpenApiNodeHttpHandler, type CreateOpenApiNodeHttpHandlerOptions, type NodeHTTPRequest } from 'trpc-to-openapi';
import type { AppRouter } from '../../../../server/trpc/root';

/**
 * The REST transport around trpc-to-openapi's handler: a bounded JSON request body (a body-less
 * POST is `{}`), the session cookies the procedures set, and error bodies whose message says what
 * was wrong (field by field for invalid input).
 *
 * The handler is built once. trpc-to-openapi's own fetch adapter builds one per request, and
 * outside NODE_ENV=production each build generates the whole OpenAPI document to validate the
 * router (~100 ms of CPU per request).
 */

export const REST_ENDPOINT = '/api/v1';
export const MAX_BODY_BYTES = 1024 * 1024;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** `empty`: a body-less POST, taken as `{}` whatever its content type says. */
type RequestBody = { kind: 'none' } | { kind: 'json'; value: unknown; empty?: true } | { kind: 'invalid'; error: Error };

/** What the node-style handler writes to; `cookies` collects the Set-Cookie values of the procedure. */
interface ResponseShim {
  statusCode: number;
  cookies: Headers;
  setHeader(name: string, value: string | string[]): void;
  end(body?: string): void;
}

type NodeHandlerOptions = CreateOpenApiNodeHttpHandlerOptions<AppRouter, NodeHTTPRequest, NodeHTTPResponse>;

export type RestHandlerOptions = Omit<NodeHandlerOptions, 'createContext' | 'maxBodySize'> & {
  createContext: (request: Request, cookies: Headers) => ReturnType<NonNullable<NodeHandlerOptions['createContext']>>;
};

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

/** The parsed body, or the response that ends the request here (too large). Non-JSON bodies are the handler's 415. */
async function readBody(req: Request): Promise<RequestBody | Response> {
  if (!BODY_METHODS.has(req.method)) return { kind: 'none' };
  const tooLarge = () => jsonError(413, 'PAYLOAD_TOO_LARGE', `request body larger than ${MAX_BODY_BYTES} bytes`);
  if (Number(req.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) return tooLarge();
  const text = await readBounded(req);
  if (text === null) return tooLarge();
  if (text.trim() === '') return { kind: 'json', value: {}, empty: true };
  try {
    return { kind: 'json', value: JSON.parse(text) as unknown };
  } catch (error) {
    return { kind: 'invalid', error: error as Error };
  }
}

/**
 * The request as the handler reads it: the URL without the endpoint prefix, and `body` already
 * parsed (a body that is not JSON throws the tRPC parse error when the handler reads it).
 */
function handlerRequest(req: Request, body: RequestBody): Request {
  const url = new URL(req.url);
  url.pathname = url.pathname.slice(REST_ENDPOINT.length) || '/';
  const headers = new Headers(req.headers);
  if (body.kind === 'json' && body.empty) headers.set('content-type', 'application/json');
  return new Proxy(req, {
    get(target, property) {
      if (property === 'url') return url.toString();
      if (property === 'headers') return headers;
      if (property === 'body') {
        if (body.kind === 'invalid') throw new TRPCError({ code: 'PARSE_ERROR', message: 'Failed to parse request body', cause: body.error });
        return body.kind === 'json' ? body.value : undefined;
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
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

/** A clearer message than the library's generic ones; the rest of the body stays. */
function clarify(body: ErrorBody): ErrorBody {
  if (body.issues?.length) return { ...body, message: `invalid input: ${describeIssues(body.issues)}` };
  if (body.code === 'PARSE_ERROR') return { ...body, message: 'the request body is not valid JSON' };
  if (body.code === 'UNSUPPORTED_MEDIA_TYPE') return { ...body, message: 'send the request body as JSON (content-type: application/json)' };
  return body;
}

function toResponse(status: number, headers: Headers, text: string | undefined): Response {
  headers.set('cache-control', 'no-store');
  if (status < 400) return new Response(text, { status, headers });
  let body: ErrorBody;
  try {
    body = clarify(JSON.parse(text ?? '') as ErrorBody);
  } catch {
    body = { message: text || 'request failed', code: 'INTERNAL_SERVER_ERROR' };
  }
  if (status === 401) headers.set('www-authenticate', 'Bearer realm="vigil"');
  headers.set('content-type', 'application/json');
  return new Response(JSON.stringify(body), { status, headers });
}

/** A fetch handler (Request → Response) for the REST API, built once per process. */
export function createRestHandler(options: RestHandlerOptions): (req: Request) => Promise<Response> {
  const { createContext, ...rest } = options;
  const nodeHandler = createOpenApiNodeHttpHandler<AppRouter, NodeHTTPRequest, NodeHTTPResponse>({
    ...rest,
    createContext: ({ req, res }) => createContext(req as unknown as Request, (res as unknown as ResponseShim).cookies),
  });
  return async (req) => {
    const body = await readBody(req);
    if (body instanceof Response) return body;
    return new Promise<Response>((resolve, reject) => {
      const headers = new Headers();
      const response: ResponseShim = {
        statusCode: 200,
        cookies: new Headers(),
        setHeader(name, value) {
          if (typeof value === 'string') headers.set(name, value);
          else for (const item of value) headers.append(name, item);
        },
        end(text) {
          for (const cookie of response.cookies.getSetCookie()) headers.append('set-cookie', cookie);
          resolve(toResponse(response.statusCode, headers, text));
        },
      };
      nodeHandler(handlerRequest(req, body) as unknown as NodeHTTPRequest, response as unknown as NodeHTTPResponse).catch(reject);
    });
  };
}
