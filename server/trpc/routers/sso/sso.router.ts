import { router } from '../../init';
import { ssoCreate } from './sso-create.procedure';
import { ssoDelete } from './sso-delete.procedure';
import { ssoGet } from './sso-get.procedure';
import { ssoListPublic } from './sso-list-public.procedure';
import { ssoList } from './sso-list.procedure';
import { ssoUpdate } from './sso-update.procedure';

export const ssoRouter = router({ listPublic: ssoListPublic, list: ssoList, get: ssoGet, create: ssoCreate, update: ssoUpdate, delete: ssoDelete });
