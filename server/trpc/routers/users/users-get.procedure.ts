import { getUser } from '../../../services/users/list-users';
import { permittedProcedure } from '../../init';
import { userIdInput, userOutput } from './users-schemas';

export const usersGet = permittedProcedure('users:read')
  .meta({ openapi: { method: 'GET', path: '/users/{id}', tags: ['users'], protect: true, summary: 'One user of your business units' } })
  .input(userIdInput)
  .output(userOutput)
  .query(({ ctx, input }) => getUser({ acting: ctx.acting, userId: input.id }));
