import { router } from '../../init';
import { usersCreate } from './users-create.procedure';
import { usersGet } from './users-get.procedure';
import { usersList } from './users-list.procedure';
import { usersUpdate } from './users-update.procedure';

export const usersRouter = router({ list: usersList, get: usersGet, create: usersCreate, update: usersUpdate });
