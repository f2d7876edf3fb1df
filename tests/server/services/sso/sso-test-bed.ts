import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { CSRF_COOKIE, CSRF_HEADER } from '../../../../server/auth/cookies';
import { cleanEnv, runVigil } from '../../../helpers/cli';
import { startConsole, type RunningConsole } from '../../../helpers/console';
import { CookieJar, browserRequest, startTestIdp, type RunningIdp, type TestIdpAccount } from '../../../helpers/oidc-provider';

/**
 * The single-sign-on scene shared by the end-to-end flow test and the browser test: the real
 * console (`vigil start`) on a test database, an administrator created with `vigil admin create`,
 * a business unit, a real OpenID provider on loopback, and that provider configured in Vigil
 * through the tRPC API with a group mapping.
 */
export const PROVIDER_ID = 'test-idp';
export const PROVIDER_NAME = 'Test IdP';
export const SECOPS_UNIT = 'unit-secops';
/** A marker the raw database must never contain. */
export const CLIENT_SECRET = 'idp-client-secret-9f3b1c-MARKER';
export const ADMIN = { email: 'admin@vigil.test', password: 'Correct-Horse-Battery-9' };

export const IDP_ACCOUNTS: Record<string, TestIdpAccount> = {
  alice: { email: 'alice@corp.test', name: 'Alice Analyst', groups: ['staff', 'vigil-analysts'] },
  bob: { email: 'bob@corp.test', name: 'Bob Contractor', groups: ['contractors'] },
  carol: { email: 'carol@corp.test', name: 'Carol Local', groups: ['vigil-admins'] },
};

export const GROUP_MAPPINGS = [
  { group: 'vigil-admins', role: 'admin', businessUnitId: 'root' },
  { group: 'vigil-analysts', role: 'analyst', businessUnitId: SECOPS_UNIT },
];

/** A raw document whose _id is a string (Vigil's own ids), for the plain driver. */
export type StringIdDoc = { _id: string } & Record<string, unknown>;

export interface TrpcAnswer<T> {
  status: number;
  data?: T;
  error?: { message: string; data?: { code?: string; appCode?: string | null } };
}

export interface SsoTestBed {
  console: RunningConsole;
  idp: RunningIdp;
  /** The console's internal CA: requests to it verify its certificate. */
  ca: string;
  adminJar: CookieJar;
  /** A tRPC call over HTTPS with the jar's cookies (and its CSRF token for mutations). */
  trpc<T = unknown>(jar: CookieJar, procedure: string, input?: unknown, kind?: 'query' | 'mutation'): Promise<TrpcAnswer<T>>;
  /** Runs work with a plain driver connection to the console's database (no decryption). */
  withDb<T>(work: (db: ReturnType<MongoClient['db']>) => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

export async function startSsoTestBed(options: { uri: string }): Promise<SsoTestBed> {
  const consoleServer = await startConsole({ mongodbUri: options.uri });
  let idp: RunningIdp | undefined;
  try {
    const ca = readFileSync(path.join(consoleServer.dataDir, 'tls', 'ca.crt'), 'utf8');
    const created = await runVigil(['admin', 'create', '--email', ADMIN.email, '--role', 'admin', '--name', 'Ada Admin'], {
      env: cleanEnv({ VIGIL_DATA_DIR: consoleServer.dataDir, MONGODB_URI: options.uri }),
      input: `${ADMIN.password}\n`,
      timeoutMs: 90_000,
    });
    if (created.code !== 0) throw new Error(`vigil admin create exited with ${created.code}: ${created.stderr}`);

    const withDb = async <T>(work: (db: ReturnType<MongoClient['db']>) => Promise<T>): Promise<T> => {
      const client = new MongoClient(options.uri);
      try {
        await client.connect();
        return await work(client.db());
      } finally {
        await client.close();
      }
    };
    // The unit the analysts' group maps to (below the root that `admin create` made).
    await withDb((db) =>
      db.collection<StringIdDoc>('business_units').insertOne({
        _id: SECOPS_UNIT,
        name: 'Security Operations',
        parentId: 'root',
        ancestors: ['root'],
        description: '',
        createdAt: new Date(),
        updatedAt: new Date(),
      }),
    );

    const trpc = async <T>(jar: CookieJar, procedure: string, input?: unknown, kind: 'query' | 'mutation' = 'query'): Promise<TrpcAnswer<T>> => {
      const url = new URL(`/api/trpc/${procedure}`, consoleServer.url);
      if (kind === 'query' && input !== undefined) url.searchParams.set('input', JSON.stringify(input));
      const csrf = jar.get(url, CSRF_COOKIE);
      const answer = await browserRequest(jar, url, {
        ca,
        ...(kind === 'mutation' ? { method: 'POST', json: input ?? null, headers: csrf ? { [CSRF_HEADER]: csrf } : {} } : {}),
      });
      const body = JSON.parse(answer.body) as { result?: { data: T }; error?: TrpcAnswer<T>['error'] };
      return { status: answer.status, data: body.result?.data, error: body.error };
    };

    const adminJar = new CookieJar();
    const login = await trpc(adminJar, 'auth.login', ADMIN, 'mutation');
    if (login.status !== 200) throw new Error(`admin sign-in failed: ${JSON.stringify(login.error)}`);

    idp = await startTestIdp({
      redirectUris: [`${consoleServer.url}/api/auth/oidc/${PROVIDER_ID}/callback`],
      clientSecret: CLIENT_SECRET,
      accounts: structuredClone(IDP_ACCOUNTS),
    });
    const provider = await trpc(
      adminJar,
      'sso.create',
      {
        id: PROVIDER_ID,
        displayName: PROVIDER_NAME,
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecret: CLIENT_SECRET,
        scopes: ['openid', 'email', 'profile', 'groups'],
        groupClaim: 'groups',
        groupMappings: GROUP_MAPPINGS,
        defaultRole: null,
      },
      'mutation',
    );
    if (provider.status !== 200) throw new Error(`sso.create failed: ${JSON.stringify(provider.error)}`);

    const runningIdp = idp;
    return {
      console: consoleServer,
      idp: runningIdp,
      ca,
      adminJar,
      trpc,
      withDb,
      stop: async () => {
        await runningIdp.stop();
        await consoleServer.stop();
      },
    };
  } catch (error) {
    await idp?.stop();
    await consoleServer.stop();
    throw error;
  }
}
