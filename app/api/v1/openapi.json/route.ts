import { generateOpenApiDocument, type OpenAPIObject } from 'trpc-to-openapi';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE } from '../../../../server/auth/cookies';
import { readPackageVersion } from '../../../../server/runtime/project-root';
import { appRouter } from '../../../../server/trpc/root';
import { REST_ENDPOINT } from '../_lib/rest-exchange';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const DESCRIPTION = [
  'The REST API of Vigil, generated from the same procedures as the console’s tRPC API.',
  '',
  `Authenticate scripts with an API token: \`Authorization: Bearer vgl_…\` (create one with POST ${REST_ENDPOINT}/tokens from a signed-in session).`,
  `A session cookie (\`${SESSION_COOKIE}\`, from POST ${REST_ENDPOINT}/auth/login) works too; requests that change something must then`,
  `send the \`${CSRF_COOKIE}\` cookie's value (also returned by login as \`csrfToken\`) in the \`${CSRF_HEADER}\` header. Bearer requests need no CSRF header.`,
  '',
  'Errors are JSON `{ message, code, data: { appCode, fieldErrors } }` with the HTTP status: 400 invalid input (with `issues`),',
  '401 not signed in, 403 not allowed or CSRF, 404 not found (also for records outside your business units), 409 conflict, 429 throttled.',
].join('\n');

/** Built once per process: the router does not change while it runs. */
let document: OpenAPIObject | undefined;

function openApiDocument(): OpenAPIObject {
  document ??= generateOpenApiDocument(appRouter, {
    title: 'Vigil API',
    description: DESCRIPTION,
    version: readPackageVersion(),
    baseUrl: REST_ENDPOINT,
    tags: ['auth', 'account', 'sessions', 'tokens', 'users', 'units', 'credentials', 'audit', 'roles', 'settings', 'sso', 'kb', 'assets', 'findings', 'scans', 'scanners', 'system'],
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', description: 'An API token (vgl_…).' },
      cookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: `The console session; mutations also need the ${CSRF_HEADER} header.` },
    },
  });
  return document;
}

export function GET(): Response {
  return Response.json(openApiDocument(), { headers: { 'cache-control': 'no-store' } });
}
