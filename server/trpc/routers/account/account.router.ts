import { router } from '../../init';
import { accountChangePassword } from './account-change-password.procedure';
import { accountReauthenticate } from './account-reauthenticate.procedure';

export const accountRouter = router({ reauthenticate: accountReauthenticate, changePassword: accountChangePassword });
