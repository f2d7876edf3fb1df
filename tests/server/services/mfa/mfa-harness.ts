import { generate } from 'otplib';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE } from '../../../../server/auth/cookies';
import type { Role } from '../../../../server/auth/permissions';
import { CLIENT_IP_HEADER, requestMetaOf } from '../../../../server/auth/request-meta';
import { AuditEntryModel, type AuditEntry } from '../../../../server/models/audit-entry.model';
import type { Runtime } from '../../../../server/runtime/runtime';
import { authenticateRequest } from '../../../../server/services/auth/authenticate-request';
import { beginMfaEnrolment } from '../../../../server/services/mfa/begin-mfa-enrolment';
import { confirmMfaEnrolment } from '../../../../server/services/mfa/confirm-mfa-enrolment';
import { TOTP_PERIOD_SECONDS } from '../../../../server/services/mfa/totp';
import { createUser } from '../../../../server/services/users/create-user';
import type { TrpcContext } from '../../../../server/trpc/context';
import { createCallerFactory, router } from '../../../../server/trpc/init';
import { accountRouter } from '../../../../server/trpc/routers/account/account.router';
import { authRouter } from '../../../../server/trpc/routers/auth/auth.router';
import { mfaRouter } from '../../../../server/trpc/routers/mfa/mfa.router';
import { settingsRouter } from '../../../../server/trpc/routers/settings/settings.router';

/** The routers under test, alone (the whole app router also carries other areas' work in progress). */
const testRouter = router({ auth: authRouter, mfa: mfaRouter, account: accountRouter, settings: settingsRouter });
const createCaller = createCallerFactory(testRouter);
export type Api = ReturnType<typeof createCaller>;

export const PASSWORD = 'correct horse battery staple';

/**
 * A browser: keeps the cookies the server sets and sends them back, with the CSRF header, on every
 * call; each call resolves its session through the real cookie path (`authenticateRequest`).
 */
export class Client {
  token: string | null = null;
  csrf: string | null = null;

  constructor(
    private readonly runtime: Runtime,
    readonly ip: string,
  ) {}

  async context(): Promise<TrpcContext> {
    const headers = new Headers({ 'user-agent': 'vitest', [CLIENT_IP_HEADER]: this.ip });
    if (this.token) headers.set('cookie', `${SESSION_COOKIE}=${this.token}; ${CSRF_COOKIE}=${this.csrf ?? ''}`);
    if (this.csrf) headers.set(CSRF_HEADER, this.csrf);
    const auth = await authenticateRequest({ headers, sessionConfig: this.runtime.config.session });
    return {
      runtime: this.runtime,
      requestId: 'test',
      meta: requestMetaOf(headers),
      headers,
      auth,
      scope: auth.principal?.scope ?? { kind: 'units', businessUnitIds: [] },
      setCookies: (values) => {
        for (const value of values) {
          const [pair = ''] = value.split(';');
          const index = pair.indexOf('=');
          const name = pair.slice(0, index);
          const content = pair.slice(index + 1) || null;
          if (name === SESSION_COOKIE) this.token = content;
          if (name === CSRF_COOKIE) this.csrf = content;
        }
      },
    };
  }

  async run<T>(call: (api: Api) => Promise<T>): Promise<T> {
    return call(createCaller(await this.context()));
  }

  login(email: string, password: string = PASSWORD) {
    return this.run((api) => api.auth.login({ email, password }));
  }
}

export async function newUser(name: string, role: Role = 'analyst'): Promise<{ id: string; email: string }> {
  const user = await createUser({ acting: { system: true }, input: { email: `${name}@vigil.test`, name, role, password: PASSWORD } });
  return { id: user.id, email: user.email };
}

export function secretOf(otpauthUri: string): string {
  return new URL(otpauthUri).searchParams.get('secret')!;
}

/** The code of the time step `offset` steps from now. */
export function codeAt(secret: string, offset = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + offset * TOTP_PERIOD_SECONDS });
}

/**
 * Waits, when the current step ends within `marginSeconds`, for the next one: a test that counts
 * on "the previous step" must not see the step change under it.
 */
export async function awayFromStepEdge(marginSeconds = 8): Promise<void> {
  const intoStep = (Date.now() / 1000) % TOTP_PERIOD_SECONDS;
  const left = TOTP_PERIOD_SECONDS - intoStep;
  if (left < marginSeconds) await new Promise((resolve) => setTimeout(resolve, left * 1000 + 250));
}

/**
 * Set-up for tests that are not about enrolment: enrols through the services, a few minutes in
 * the past, so every code of the present steps is still unused.
 */
export async function enrolled(runtime: Runtime, name: string, role: Role = 'analyst'): Promise<{ id: string; email: string; secret: string; recoveryCodes: string[] }> {
  const user = await newUser(name, role);
  const meta = { ip: '127.0.100.1', userAgent: 'vitest' };
  const start = await beginMfaEnrolment({ userId: user.id, encryption: runtime.encryption, meta });
  const secret = secretOf(start.otpauthUri);
  const past = new Date(Date.now() - 5 * 60_000);
  const code = await generate({ secret, epoch: Math.floor(past.getTime() / 1000) });
  const { recoveryCodes } = await confirmMfaEnrolment({ userId: user.id, code, meta, sessionConfig: runtime.config.session, now: past });
  return { ...user, secret, recoveryCodes };
}

export async function auditEntries(filter: Partial<Record<keyof AuditEntry | 'target.id', unknown>>): Promise<AuditEntry[]> {
  return AuditEntryModel.find(filter).sort({ seq: 1 }).lean();
}
