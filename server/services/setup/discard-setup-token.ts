import { SETUP_TOKEN_ID, SetupTokenModel } from '../../models/setup-token.model';
import { removeSetupTokenFile, setupTokenFile } from './setup-token-file';

/** Once an account exists the setup token has no use: it goes, from the database and from the data directory. */
export async function discardSetupToken(options: { dataDir: string }): Promise<void> {
  await SetupTokenModel.deleteOne({ _id: SETUP_TOKEN_ID });
  removeSetupTokenFile(setupTokenFile(options.dataDir));
}
