import { UserModel } from '../../models/user.model';

/** Whether the console still waits for its first administrator (no account of any kind exists). */
export async function getSetupStatus(): Promise<{ setupRequired: boolean }> {
  return { setupRequired: !(await UserModel.exists({})) };
}
