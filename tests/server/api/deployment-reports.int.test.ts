import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_HISTORY_PER_NODE } from '../../../server/services/deployment/record-deployment-report';
import { createApiTokens } from '../../helpers/api-token';
import { startConsole, type RunningConsole } from '../../helpers/console';
import { restRequest, type RestResponse } from '../../helpers/rest-client';
import { createAccount, type TestAccount } from '../../helpers/sign-in';
import { dropDatabase, dumpContains, rawDump, testDatabaseUri } from '../../helpers/test-db';
import { APPLIED_COMMIT, SIGNER_FINGERPRINT, driftTask, driftedPart, sampleReport } from '../services/deployment/deployment-report-sample';

/**
 * POST /api/v1/deployment/reports (what vigil-gitops sends) and GET /api/v1/deployment/status against a real
 * `vigil start` on FerretDB: who may send and read, what a bad or oversized report gets (and that nothing of it is
 * stored), a report sent twice, the bounded history, and the drift diffs only as ciphertext in the database.
 */

const { uri } = testDatabaseUri();
let server: RunningConsole;
let api: string;
const tokens = { admin: '', auditor: '', nodeOnly: '' };
let adminAccount: TestAccount | undefined;

interface ErrorBody {
  message: string;
  code: string;
}
interface NodeStatus {
  node: string;
  stale: boolean;
  staleAfterSeconds: number;
  storedReports: number;
  applied: { sha: string; subject: string; signer: string; fingerprint: string } | null;
  reconcile: { result: string; verification: string | null } | null;
  drift: { state: string; changedTasks: number; tasks: { task: string; diff: string }[] } | null;
  recentRuns: { kind: string }[];
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const errorOf = (response: RestResponse) => response.json as ErrorBody;
const post = (body: unknown, token = tokens.admin) => restRequest(`${api}/deployment/reports`, { method: 'POST', headers: bearer(token), body });
async function nodes(): Promise<NodeStatus[]> {
  const response = await restRequest(`${api}/deployment/status`, { headers: bearer(tokens.admin) });
  expect(response.status, response.text).toBe(200);
  return (response.json as { items: NodeStatus[] }).items;
}
async function storedReports(node?: string): Promise<number> {
  const client = new MongoClient(uri);
  try {
    await client.connect();
    return await client.db().collection('deployment_reports').countDocuments(node ? { node } : {});
  } finally {
    await client.close();
  }
}

beforeAll(async () => {
  server = await startConsole({ mongodbUri: uri });
  api = `${server.url}/api/v1`;
  const admin = await createAccount(server, { mongodbUri: uri });
  const [reporter, auditor, nodeOnly] = await createApiTokens(server, admin, [
    { name: 'gitops reports' },
    { name: 'auditor', role: 'auditor' },
    { name: 'node-7 reports only', permissions: ['deployment:report'] },
  ]);
  Object.assign(tokens, { admin: reporter!, auditor: auditor!, nodeOnly: nodeOnly! });
  adminAccount = admin;
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await dropDatabase(uri);
});

describe('deployment reports over REST', () => {
  it('stores a report sent with a token holding deployment:report, and shows it in the status', async () => {
    const marker = 'drift-marker-7f3a';
    const report = sampleReport('console-1', { drift: driftedPart([driftTask('Write the console environment', marker)]) });
    const response = await post(report);
    expect(response.status, response.text).toBe(200);
    expect(response.json).toEqual({ id: `console-1|${String(report.reportId)}`, stored: true });

    const [node] = await nodes();
    expect(node).toMatchObject({
      node: 'console-1',
      stale: false,
      staleAfterSeconds: 1800,
      storedReports: 1,
      applied: { sha: APPLIED_COMMIT, subject: 'Raise the scanner rate limit to 200/s', signer: 'ops@example.org', fingerprint: SIGNER_FINGERPRINT },
      reconcile: { result: 'unchanged', verification: 'ok' },
      drift: { state: 'drift', changedTasks: 1, tasks: [{ task: 'Write the console environment' }] },
    });
    expect(node!.drift!.tasks[0]!.diff).toContain(marker);
    // The diff may quote configuration: in the database it is ciphertext only.
    expect(dumpContains(await rawDump(uri), marker)).toBe(false);
  });

  it('stores a report sent again (its answer lost) once', async () => {
    const report = sampleReport('console-2');
    expect((await post(report)).json).toMatchObject({ stored: true });
    const again = await post(report);
    expect(again.status, again.text).toBe(200);
    expect(again.json).toMatchObject({ stored: false });
    expect(await storedReports('console-2')).toBe(1);
  });

  it('answers 401 without a token or with a wrong one, and 403 to a token whose role lacks the permission', async () => {
    const before = await storedReports();
    const anonymous = await restRequest(`${api}/deployment/reports`, { method: 'POST', body: sampleReport('console-9') });
    expect(anonymous.status).toBe(401);
    expect(errorOf(anonymous)).toMatchObject({ code: 'UNAUTHORIZED', message: 'sign in first' });

    const wrong = await post(sampleReport('console-9'), 'vgl_NotAToken0000000000000000000000000000');
    expect(wrong.status).toBe(401);
    expect(errorOf(wrong).message).toBe('API token not recognised, expired or revoked');

    const auditor = await post(sampleReport('console-9'), tokens.auditor);
    expect(auditor.status).toBe(403);
    expect(errorOf(auditor).message).toBe('your role does not allow this (deployment:report)');
    // Reading the status is admin-level too.
    const read = await restRequest(`${api}/deployment/status`, { headers: bearer(tokens.auditor) });
    expect(read.status).toBe(403);
    expect(errorOf(read).message).toBe('your role does not allow this (settings:manage)');
    expect(await storedReports()).toBe(before);
  });

  it('takes reports from an admin token narrowed to deployment:report, which can do nothing else', async () => {
    const response = await post(sampleReport('console-7'), tokens.nodeOnly);
    expect(response.status, response.text).toBe(200);
    expect(await storedReports('console-7')).toBe(1);
    // The role is admin, the token holds only the one permission: no status, no findings, no new tokens.
    for (const [path, permission] of [
      ['deployment/status', 'settings:manage'],
      ['findings', 'findings:read'],
      ['users', 'users:read'],
    ] as const) {
      const refused = await restRequest(`${api}/${path}`, { headers: bearer(tokens.nodeOnly) });
      expect(refused.status, path).toBe(403);
      expect(errorOf(refused).message).toBe(`your role does not allow this (${permission})`);
    }
    const listed = await restRequest(`${api}/tokens`, { headers: bearer(tokens.admin) });
    expect((listed.json as { items: { name: string; role: string; permissions: string[] | null }[] }).items).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'node-7 reports only', role: 'admin', permissions: ['deployment:report'] }), expect.objectContaining({ name: 'gitops reports', permissions: null })]),
    );
  });

  it('refuses a token narrowed to a permission its role lacks, or to none', async () => {
    await expect(createApiTokens(server, adminAccount!, [{ name: 'auditor reports', role: 'auditor', permissions: ['deployment:report'] }])).rejects.toThrow(/role auditor does not hold deployment:report/);
    await expect(createApiTokens(server, adminAccount!, [{ name: 'nothing', permissions: [] }])).rejects.toThrow(/400/);
  });

  it('refuses a malformed report with 400, naming each bad field, and stores nothing', async () => {
    const before = await storedReports();
    const bad = await post(sampleReport('console 3', { applied: { sha: 'HEAD', subject: null, committedAt: null, appliedAt: null, signer: null, fingerprint: null }, kind: 'apply' }));
    expect(bad.status).toBe(400);
    const { message } = errorOf(bad);
    expect(message).toMatch(/^invalid input: /);
    expect(message).toContain('node: must be an inventory host name');
    expect(message).toContain('applied.sha: must be a full commit id');
    expect(message).toMatch(/kind: .*"reconcile"\|"drift"/);

    const backwards = await post(sampleReport('console-3', { startedAt: new Date().toISOString(), finishedAt: new Date(Date.now() - 60_000).toISOString() }));
    expect(backwards.status).toBe(400);
    expect(errorOf(backwards).message).toBe('invalid input: finishedAt: is before startedAt');

    const notJson = await restRequest(`${api}/deployment/reports`, { method: 'POST', headers: { ...bearer(tokens.admin), 'content-type': 'application/json' }, rawBody: '{"node": "console-3",' });
    expect(notJson.status).toBe(400);
    expect(errorOf(notJson).message).toBe('the request body is not valid JSON');
    expect(await storedReports()).toBe(before);
  });

  it('refuses an oversized report with 413 and a clear message, and stores nothing', async () => {
    const before = await storedReports();
    // More than the 64 KiB of changed-task summary a report may carry.
    const tasks = Array.from({ length: 9 }, (_, n) => driftTask(`Task ${n}`, 'x'.repeat(8 * 1024)));
    const summary = await post(sampleReport('console-4', { drift: driftedPart(tasks) }));
    expect(summary.status).toBe(413);
    expect(errorOf(summary)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(errorOf(summary).message).toMatch(/^drift\.tasks: the changed-task summary is \d+ bytes; at most 65536 are accepted/);

    // A body past the REST API's 1 MiB is refused before it is read to the end.
    const body = await post(sampleReport('console-4', { padding: 'y'.repeat(1024 * 1024) }));
    expect(body.status).toBe(413);
    expect(errorOf(body)).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: 'request body larger than 1048576 bytes' });
    expect(await storedReports()).toBe(before);
  });

  it(`keeps the newest ${REPORT_HISTORY_PER_NODE} reports of a node`, { timeout: 180_000 }, async () => {
    const start = Date.now() - 3_600_000;
    const ids: string[] = [];
    for (let n = 0; n < REPORT_HISTORY_PER_NODE + 5; n++) {
      const report = sampleReport('console-5', { kind: n % 2 ? 'drift' : 'reconcile' }, new Date(start + n * 60_000));
      const response = await post(report);
      expect(response.status, response.text).toBe(200);
      ids.push(`console-5|${String(report.reportId)}`);
    }
    expect(await storedReports('console-5')).toBe(REPORT_HISTORY_PER_NODE);
    const node = (await nodes()).find((item) => item.node === 'console-5')!;
    expect(node.storedReports).toBe(REPORT_HISTORY_PER_NODE);
    expect(node.recentRuns).toHaveLength(10);
    // The five oldest went.
    const client = new MongoClient(uri);
    try {
      await client.connect();
      const kept = (await client.db().collection<{ _id: string }>('deployment_reports').find({ node: 'console-5' }, { projection: { _id: 1 } }).toArray()).map((doc) => doc._id);
      expect(kept.sort()).toEqual(ids.slice(5).sort());
    } finally {
      await client.close();
    }
  });
});
