import { router } from '../../init';
import { settingsGetAuthPolicy } from './settings-get-auth-policy.procedure';
import { settingsSetAuthPolicy } from './settings-set-auth-policy.procedure';

export const settingsRouter = router({ getAuthPolicy: settingsGetAuthPolicy, setAuthPolicy: settingsSetAuthPolicy });
