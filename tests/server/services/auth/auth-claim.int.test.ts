import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimOnce, withClaim } from '../../../../server/services/auth/auth-claim';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { dropDatabase, testDatabaseUri } from '../../../helpers/test-db';

const { uri } = testDatabaseUri();
const TTL_MS = 3000;

beforeAll(async () => {
  await openTestRuntime({ uri });
}, 90_000);

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

/** Runs a holder for more than twice the claim's life and asks for the claim while it runs, past that life. */
async function othersWhileHeld(id: string, options: { renew?: boolean }): Promise<boolean[]> {
  const asked: boolean[] = [];
  await withClaim(
    id,
    TTL_MS,
    async () => {
      // Asked 4 s and 6.5 s after the claim was taken for 3 s.
      for (const wait of [TTL_MS + 1000, TTL_MS - 500]) {
        await sleep(wait);
        const taken = await claimOnce(id, TTL_MS);
        asked.push(taken !== null);
        await taken?.release();
      }
    },
    options,
  );
  return asked;
}

describe('a claim held by withClaim', { timeout: 60_000 }, () => {
  it('is renewed while its holder runs, so no one takes it over past its first life; released at the end', async () => {
    expect(await othersWhileHeld('renewed', { renew: true })).toEqual([false, false]);
    const after = await claimOnce('renewed', TTL_MS);
    expect(after).not.toBeNull();
    await after?.release();
  });

  it('without renewal, is taken over once its life is past (a holder taken for dead)', async () => {
    expect((await othersWhileHeld('not-renewed', {}))[0]).toBe(true);
  });
});
