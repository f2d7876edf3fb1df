import { SETUP_TOKEN_ID, SetupTokenModel } from '../../models/setup-token.model';
import { UserModel } from '../../models/user.model';
import { discardSetupToken } from './discard-setup-token';
import { SETUP_TOKEN_TTL_MS, hashSetupToken, newSetupToken } from './setup-token';
import { readSetupTokenFile, setupTokenFile, writeSetupTokenFile } from './setup-token-file';

export type SetupTokenState =
  | { required: false }
  | {
      required: true;
      token: string;
      /** The file the token is in (the appliance banner prints it from there). */
      file: string;
      expiresAt: Date;
      /** False: the token already in the file is still the valid one and got another day. */
      issued: boolean;
    };

/**
 * While no account exists, makes sure a setup token is valid and written to the data directory: the one in
 * the file is kept (its expiry moved forward) as long as the database still knows it, so a restart does
 * not invalidate a token already printed on the console; otherwise a new one replaces it. Once an account
 * exists, removes any left-over token instead. Run by `vigil start` and `vigil admin setup-token`.
 */
export async function ensureSetupToken(options: { dataDir: string; now?: Date }): Promise<SetupTokenState> {
  if (await UserModel.exists({})) {
    await discardSetupToken(options);
    return { required: false };
  }
  const now = options.now ?? new Date();
  const expiresAt = new Date(now.getTime() + SETUP_TOKEN_TTL_MS);
  const file = setupTokenFile(options.dataDir);
  const current = readSetupTokenFile(file);
  if (current) {
    const renewed = await SetupTokenModel.updateOne({ _id: SETUP_TOKEN_ID, tokenHash: hashSetupToken(current), expiresAt: { $gt: now } }, { $set: { expiresAt } });
    if (renewed.matchedCount === 1) return { required: true, token: current, file, expiresAt, issued: false };
  }
  const token = newSetupToken();
  await SetupTokenModel.updateOne({ _id: SETUP_TOKEN_ID }, { $set: { tokenHash: hashSetupToken(token), createdAt: now, expiresAt } }, { upsert: true });
  writeSetupTokenFile(file, token);
  return { required: true, token, file, expiresAt, issued: true };
}
