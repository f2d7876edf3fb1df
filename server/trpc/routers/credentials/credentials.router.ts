import { router } from '../../init';
import { credentialsGet } from './credentials-get.procedure';
import { credentialsList } from './credentials-list.procedure';

export const credentialsRouter = router({ list: credentialsList, get: credentialsGet });
